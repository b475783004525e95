package forms

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestRegimeFor(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want Regime
	}{
		{at(2018, 12, 1, 8, 0), Regime2018},
		{at(2025, 6, 30, 23, 59).Add(59 * time.Second), Regime2018},
		{at(2025, 7, 1, 0, 0), Regime2025},
		{time.Date(2025, 6, 30, 16, 59, 59, 0, time.UTC), Regime2018}, // 23:59:59 in Hà Nội
		{time.Date(2025, 6, 30, 17, 0, 0, 0, time.UTC), Regime2025},   // midnight in Hà Nội
		{at(2026, 2, 13, 10, 0), Regime2025},
		{time.Time{}, Regime2018},
	} {
		if got := RegimeFor(tc.at); got != tc.want {
			t.Errorf("RegimeFor(%v) = %s, want %s", tc.at, got, tc.want)
		}
	}
}

func TestFormNumbers(t *testing.T) {
	want := map[Regime]map[Kind]string{
		Regime2018: {KindReceipt: "01", KindSupplement: "02", KindRefusal: "03", KindApology: "04", KindControl: "05", KindRegister: "06"},
		Regime2025: {KindReceipt: "01", KindSupplement: "02", KindRefusal: "03", KindApology: "04", KindStop: "05", KindControl: "06", KindRegister: "07"},
	}
	for r, kinds := range want {
		for k, number := range kinds {
			info, err := r.Form(k)
			if err != nil || info.Number != number {
				t.Errorf("%s kind %d: number %q, %v; want %q", r, k, info.Number, err, number)
			}
		}
	}
	if _, err := Regime2018.Form(KindStop); !errors.Is(err, ErrNoSuchForm) {
		t.Errorf("2018 stop notice: %v, want ErrNoSuchForm", err)
	}
	if _, err := Regime("2019").Form(KindReceipt); !errors.Is(err, ErrUnknownRegime) {
		t.Errorf("regime 2019: %v, want ErrUnknownRegime", err)
	}
	if _, err := Regime2025.Form(Kind(99)); !errors.Is(err, ErrNoSuchForm) {
		t.Errorf("kind 99: %v, want ErrNoSuchForm", err)
	}
	info, _ := Regime2025.Form(KindControl)
	if got := info.Corner(); got != "Mẫu số 06 – Thông tư 03/2025/TT-VPCP" {
		t.Errorf("corner %q", got)
	}
}

// common is what every form prints whatever its kind.
func common(r Regime, number, title string) []string {
	circular := map[Regime]string{Regime2018: "01/2018/TT-VPCP", Regime2025: "03/2025/TT-VPCP"}[r]
	return []string{
		"Mẫu số " + number + " – Thông tư " + circular,
		"ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "UBND XÃ THANH BA",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		strings.ToUpper(title),
	}
}

// TestPDFText renders every form of both regimes and checks the text
// poppler extracts: Vietnamese with its diacritics exactly, the code, the
// times in Asia/Ho_Chi_Minh.
func TestPDFText(t *testing.T) {
	for _, r := range regimes {
		s := sampleFor(r)
		apologyTitle := map[Regime]string{
			Regime2018: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
			Regime2025: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
		}[r]
		desk := map[Regime]string{Regime2018: "Bộ phận Tiếp nhận và Trả kết quả", Regime2025: "Bộ phận Một cửa"}[r]
		cases := map[string][]string{
			"receipt": append(common(r, "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
				"Mã hồ sơ: "+s.code, desk+" đã tiếp nhận hồ sơ của:",
				"Ông/Bà: Nguyễn Thị Hương", "Số định danh cá nhân: 025190001234", "Thư điện tử: huong.nt@example.vn",
				"Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
				"1 Tờ khai đăng ký khai sinh theo mẫu 1 0", "2 Giấy chứng sinh do cơ sở y tế cấp 1 2 Có",
				"Thời hạn giải quyết hồ sơ theo quy định: 05 ngày làm việc",
				"Thời gian nhận hồ sơ: "+clock(s.received), "Thời gian trả kết quả giải quyết hồ sơ: "+clock(s.due),
				"Cách tính thời hạn: 05 ngày làm việc tính từ ngày làm việc tiếp theo, cùng giờ tiếp nhận",
				"Hình thức nhận kết quả: Trực tiếp tại Bộ phận Một cửa",
				"https://dichvucong.phutho.gov.vn/tra-cuu?ma="+s.code,
				"NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký, ghi rõ họ tên)", "Trần Văn Ơn"),
			"supplement": append(common(r, "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
				"Mã hồ sơ: "+s.code, "Nguyễn Thị Hương",
				"1 Văn bản ủy quyền có chứng thực Người đi đăng ký không phải cha, mẹ của trẻ",
				"2 Bản sao giấy chứng nhận kết hôn", "NGƯỜI HƯỚNG DẪN", "Trần Văn Ơn",
				"Thanh Ba, ngày "+s.received.Format("02")+" tháng "+monthWord(s.received)+" năm 2025"),
			"refusal": append(common(r, "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
				"Nguyễn Thị Hương", "Cấp giấy phép xây dựng nhà ở riêng lẻ",
				"– Thủ tục thuộc thẩm quyền của Ủy ban nhân dân tỉnh", "– Người mười bảy tuổi",
				"từ chối tiếp nhận, giải quyết hồ sơ này", "Xin trân trọng thông báo!"),
			"apology": append(common(r, "04", apologyTitle),
				"Kính gửi: Nguyễn Thị Hương", "mã hồ sơ: "+s.code, "Vào "+clock(s.received)+", cơ quan chúng tôi đã tiếp nhận",
				"Thời gian hẹn trả kết quả giải quyết hồ sơ: "+clock(s.due),
				"Lý do: Cần xác minh thông tin tại Ủy ban nhân dân xã", clock(s.newDue),
				"KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "(Ký, ghi rõ họ tên và đóng dấu)", "Lê Văn Mười"),
			"control": append(common(r, map[Regime]string{Regime2018: "05", Regime2025: "06"}[r], "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
				"Mã hồ sơ: "+s.code, "Thời gian nhận hồ sơ: "+clock(s.received), "Thời gian hẹn trả kết quả: "+clock(s.due),
				"1 Bộ phận Một cửa Trần Văn Ơn Công chức tư pháp - hộ tịch Phạm Thị Thủy "+clock(s.received.Add(30*time.Minute)),
				"Trước hạn", "Lãnh đạo UBND xã Lê Văn Mười", "Trình ký"),
			"register": append(common(r, map[Regime]string{Regime2018: "06", Regime2025: "07"}[r], "Sổ theo dõi hồ sơ"),
				"Từ ngày "+day(s.received.AddDate(0, 0, -4))+" đến ngày "+day(s.received.AddDate(0, 0, 25)),
				"STT Mã hồ sơ Tên tổ chức, cá nhân Địa chỉ, số điện thoại Ngày nhận hồ sơ Ngày hẹn trả kết quả",
				"1 "+s.code+" Nguyễn Thị Hương Khu 3, xã Thanh Ba; 0912 345 678 "+clock(s.received)+" "+clock(s.due),
				"7 ", "Công ty TNHH Mười Phương", "Có", "Ơn nhận"),
		}
		if r == Regime2025 {
			cases["stop"] = append(common(r, "05", "Thông báo dừng giải quyết hồ sơ"),
				"Kính gửi: Nguyễn Thị Hương", "Lý do: Người nộp hồ sơ có văn bản đề nghị dừng giải quyết.",
				"THỦ TRƯỞNG CƠ QUAN", "Lê Văn Mười")
		}
		for name, f := range everyForm(r) {
			t.Run(name+"/"+string(r), func(t *testing.T) {
				want, ok := cases[name]
				if !ok {
					t.Fatalf("no expectations for %s", name)
				}
				contains(t, extract(t, renderPDF(t, f), 0, 0), want...)
			})
		}
	}
}

// monthWord is the month as the date line writes it ("3", "02", "12").
func monthWord(t time.Time) string {
	if t.Month() <= 2 {
		return fmt.Sprintf("%02d", int(t.Month()))
	}
	return fmt.Sprint(int(t.Month()))
}

func TestStopNoticeNotIn2018(t *testing.T) {
	s := stopFor(Regime2018)
	if err := s.WritePDF(&bytes.Buffer{}); !errors.Is(err, ErrNoSuchForm) {
		t.Fatalf("explicit 2018: %v, want ErrNoSuchForm", err)
	}
	s.Regime = "" // derived from a receipt date before 1 July 2025
	s.ReceivedAt = at(2025, 6, 30, 16, 0)
	if err := s.WritePDF(&bytes.Buffer{}); !errors.Is(err, ErrNoSuchForm) || !strings.Contains(err.Error(), "03/2025/TT-VPCP") {
		t.Fatalf("derived 2018: %v, want ErrNoSuchForm naming Circular 03/2025", err)
	}
}

// TestRegimeDerived: without an explicit regime a form takes the regime of
// its dossier's receipt date, not of the day it is printed.
func TestRegimeDerived(t *testing.T) {
	a := apologyFor(Regime2018)
	a.Regime = ""
	a.ReceivedAt, a.OriginalDue = at(2025, 6, 30, 15, 0), at(2025, 7, 7, 15, 0)
	a.NewDue, a.IssuedAt = at(2025, 7, 14, 15, 0), at(2025, 7, 4, 9, 0)
	text := extract(t, renderPDF(t, a), 0, 0)
	contains(t, text, "Thông tư 01/2018/TT-VPCP", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Thanh Ba, ngày 04 tháng 7 năm 2025")

	rc := receiptFor(Regime2025)
	rc.Regime = ""
	info, err := rc.Info()
	if err != nil || info.Regime != Regime2025 || info.Circular != "03/2025/TT-VPCP" {
		t.Fatalf("receipt of 8 July 2025: %+v, %v", info, err)
	}
}

// TestNormalisation: decomposed input (as some keyboards and browsers
// send it) prints as the precomposed letters.
func TestNormalisation(t *testing.T) {
	rc := receiptFor(Regime2025)
	rc.Applicant.Name = norm.NFD.String("Nguyễn Thị Hương")
	rc.Receiver = norm.NFD.String("Trần Văn Ơn")
	if rc.Applicant.Name == "Nguyễn Thị Hương" {
		t.Fatal("test input is not decomposed")
	}
	contains(t, extract(t, renderPDF(t, rc), 0, 0), "Ông/Bà: Nguyễn Thị Hương", "Trần Văn Ơn")
}

func TestDateLine(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{at(2025, 3, 5, 9, 0), "Thanh Ba, ngày 05 tháng 3 năm 2025"},
		{at(2026, 2, 12, 9, 0), "Thanh Ba, ngày 12 tháng 02 năm 2026"},
		{at(2025, 1, 1, 9, 0), "Thanh Ba, ngày 01 tháng 01 năm 2025"},
		{at(2025, 12, 31, 9, 0), "Thanh Ba, ngày 31 tháng 12 năm 2025"},
		{time.Date(2025, 3, 4, 17, 30, 0, 0, time.UTC), "Thanh Ba, ngày 05 tháng 3 năm 2025"}, // 00:30 next day in Hà Nội
	} {
		if got := dateLine(" Thanh Ba ", tc.at); got != tc.want {
			t.Errorf("dateLine(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
	if got := clock(time.Date(2025, 3, 5, 2, 30, 0, 0, time.UTC)); got != "09 giờ 30 phút, ngày 05/03/2025" {
		t.Errorf("clock = %q", got)
	}
}

func TestOrganisationApplicant(t *testing.T) {
	rc := receiptFor(Regime2025)
	rc.Applicant = Applicant{Name: "Hợp tác xã Nông nghiệp Thanh Ba", Organisation: true, Representative: "Đỗ Thị Tuyết", IDNumber: "2600123456"}
	contains(t, extract(t, renderPDF(t, rc), 0, 0),
		"Tên cơ quan, tổ chức: Hợp tác xã Nông nghiệp Thanh Ba", "Người đại diện: Đỗ Thị Tuyết",
		"Mã số doanh nghiệp, tổ chức: 2600123456", "Đỗ Thị Tuyết NGƯỜI TIẾP NHẬN HỒ SƠ")
}

func TestDeterministic(t *testing.T) {
	for _, r := range regimes {
		for name, f := range everyForm(r) {
			a, b := renderPDF(t, f), renderPDF(t, f)
			if !bytes.Equal(a, b) {
				t.Errorf("%s %s: two renders differ", name, r)
			}
			if !bytes.Contains(a, []byte("/CreationDate (D:2025")) {
				t.Errorf("%s %s: creation date not taken from the input", name, r)
			}
		}
	}
}
