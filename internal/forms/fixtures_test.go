package forms

import (
	"time"
)

// Sample inputs shared by the tests: a commune of Phú Thọ, one dossier
// received under each regime.

var regimes = []Regime{Regime2018, Regime2025}

// at returns a wall-clock time in Asia/Ho_Chi_Minh.
func at(year int, month time.Month, day, hour, min int) time.Time {
	return time.Date(year, month, day, hour, min, 0, 0, vietnam())
}

// sample holds the dates and code of one dossier under a regime.
type sample struct {
	regime   Regime
	code     string
	received time.Time
	due      time.Time
	issued   time.Time
	newDue   time.Time
}

func sampleFor(r Regime) sample {
	if r == Regime2018 {
		return sample{r, "000.45.36.H56-250305-0001", at(2025, 3, 5, 9, 30), at(2025, 3, 12, 9, 30), at(2025, 3, 11, 14, 5), at(2025, 3, 19, 16, 0)}
	}
	return sample{r, "000.00.12.H42-250708-0007", at(2025, 7, 8, 14, 15), at(2025, 7, 15, 14, 15), at(2025, 7, 14, 8, 0), at(2025, 7, 22, 10, 45)}
}

func heading() Heading {
	return Heading{Authority: "Ủy ban nhân dân tỉnh Phú Thọ", Unit: "UBND xã Thanh Ba", Place: "Thanh Ba"}
}

func person() Applicant {
	return Applicant{
		Name: "Nguyễn Thị Hương", IDNumber: "025190001234", Phone: "0912 345 678",
		Email: "huong.nt@example.vn", Address: "Khu 3, xã Thanh Ba, tỉnh Phú Thọ",
	}
}

func receiptFor(r Regime) Receipt {
	s := sampleFor(r)
	return Receipt{
		Heading: heading(), Code: s.code, ReceivedAt: s.received, Receiver: "Trần Văn Ơn",
		Applicant: person(), Procedure: "Đăng ký khai sinh",
		Components: []Component{
			{Name: "Tờ khai đăng ký khai sinh theo mẫu", Originals: 1},
			{Name: "Giấy chứng sinh do cơ sở y tế cấp", Originals: 1, Copies: 2, Digitised: true},
		},
		TimeLimit: "05 ngày làm việc", DueAt: s.due,
		Rule:         "05 ngày làm việc tính từ ngày làm việc tiếp theo, cùng giờ tiếp nhận",
		ReturnMethod: "Trực tiếp tại Bộ phận Một cửa",
		LookupURL:    "https://dichvucong.phutho.gov.vn/tra-cuu?ma=" + s.code,
		Regime:       r,
	}
}

func supplementFor(r Regime) SupplementRequest {
	s := sampleFor(r)
	return SupplementRequest{
		Heading: heading(), Code: s.code, Applicant: person(), Procedure: "Đăng ký khai sinh",
		Items: []SupplementItem{
			{Name: "Văn bản ủy quyền có chứng thực", Reason: "Người đi đăng ký không phải cha, mẹ của trẻ"},
			{Name: "Bản sao giấy chứng nhận kết hôn"},
		},
		Official: "Trần Văn Ơn", IssuedAt: s.received, Regime: r,
	}
}

func refusalFor(r Regime) Refusal {
	s := sampleFor(r)
	return Refusal{
		Heading: heading(), Applicant: person(), Procedure: "Cấp giấy phép xây dựng nhà ở riêng lẻ",
		Reasons: []string{
			"Thủ tục thuộc thẩm quyền của Ủy ban nhân dân tỉnh, không thuộc thẩm quyền của xã.",
			"Người mười bảy tuổi chưa đủ điều kiện đứng tên.",
		},
		Official: "Trần Văn Ơn", IssuedAt: s.received, Regime: r,
	}
}

func apologyFor(r Regime) Apology {
	s := sampleFor(r)
	return Apology{
		Heading: heading(), Code: s.code, Applicant: person(), Procedure: "Đăng ký khai sinh",
		ReceivedAt: s.received, OriginalDue: s.due, Reason: "Cần xác minh thông tin tại Ủy ban nhân dân xã nơi cư trú trước đây.",
		NewDue: s.newDue, Signer: Signer{Title: "KT. Chủ tịch\nPhó Chủ tịch", Name: "Lê Văn Mười"}, IssuedAt: s.issued, Regime: r,
	}
}

func stopFor(r Regime) StopNotice {
	s := sampleFor(r)
	return StopNotice{
		Heading: heading(), Code: s.code, Applicant: person(), Procedure: "Đăng ký khai sinh",
		ReceivedAt: s.received, Reason: "Người nộp hồ sơ có văn bản đề nghị dừng giải quyết.",
		Signer: Signer{Name: "Lê Văn Mười"}, IssuedAt: s.issued, Regime: r,
	}
}

func controlFor(r Regime) ControlSlip {
	s := sampleFor(r)
	return ControlSlip{
		Heading: heading(), Code: s.code, Applicant: person(), Procedure: "Đăng ký khai sinh",
		ReceivedAt: s.received, DueAt: s.due, Regime: r,
		Rows: []Handover{
			{FromUnit: "Bộ phận Một cửa", FromOfficial: "Trần Văn Ơn", ToUnit: "Công chức tư pháp - hộ tịch", ToOfficial: "Phạm Thị Thủy",
				HandedAt: s.received.Add(30 * time.Minute), Due: s.due.Add(-24 * time.Hour), Result: ResultEarly},
			{FromUnit: "Công chức tư pháp - hộ tịch", ToUnit: "Lãnh đạo UBND xã", ToOfficial: "Lê Văn Mười",
				HandedAt: s.due.Add(-26 * time.Hour), Note: "Trình ký"},
		},
	}
}

func registerFor(r Regime) Register {
	s := sampleFor(r)
	return Register{
		Heading: heading(), From: s.received.AddDate(0, 0, -4), To: s.received.AddDate(0, 0, 25), Regime: r,
		Rows: []RegisterRow{
			{Code: s.code, Applicant: "Nguyễn Thị Hương", AddressPhone: "Khu 3, xã Thanh Ba; 0912 345 678", ReceivedAt: s.received, DueAt: s.due,
				TransferredTo: "Công chức tư pháp - hộ tịch", ResolvedAt: s.due.Add(-2 * time.Hour), ReturnedAt: s.due.Add(time.Hour), Note: "Ơn nhận"},
			{No: 7, Code: s.code[:len(s.code)-1] + "8", Applicant: "Công ty TNHH Mười Phương", ReceivedAt: s.received.Add(time.Hour), DueAt: s.due, Late: true},
		},
	}
}

// everyForm returns every form of a regime that exists in it, by name.
func everyForm(r Regime) map[string]Form {
	m := map[string]Form{
		"receipt": receiptFor(r), "supplement": supplementFor(r), "refusal": refusalFor(r),
		"apology": apologyFor(r), "control": controlFor(r), "register": registerFor(r),
	}
	if r == Regime2025 {
		m["stop"] = stopFor(r)
	}
	return m
}
