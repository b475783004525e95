package forms

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRegisterPagesRepeatHeader: a long register breaks across pages,
// every page repeats the table header, pages from the second are
// numbered, and every row is printed exactly once.
func TestRegisterPagesRepeatHeader(t *testing.T) {
	rg := registerFor(Regime2025)
	rg.Rows = nil
	for i := range 150 {
		rg.Rows = append(rg.Rows, RegisterRow{
			Code: fmt.Sprintf("000.00.12.H42-250708-%04d", i+1), Applicant: "Nguyễn Văn Thành " + strconv.Itoa(i+1),
			AddressPhone: "Khu " + strconv.Itoa(i%9+1) + ", xã Thanh Ba", ReceivedAt: at(2025, 7, 8, 8, 0).Add(time.Duration(i) * time.Minute),
			DueAt: at(2025, 7, 15, 8, 0), Late: i%10 == 0,
		})
	}
	pdf := renderPDF(t, rg)
	n := pages(pdf)
	if n < 3 {
		t.Fatalf("150 rows on %d pages, want at least 3", n)
	}
	for p := 1; p <= n; p++ {
		text := extract(t, pdf, p, p)
		contains(t, text, "STT Mã hồ sơ Tên tổ chức, cá nhân")
		if p > 1 && !strings.HasPrefix(text, strconv.Itoa(p)+" ") {
			t.Errorf("page %d does not start with its number: %.40s", p, text)
		}
	}
	all := extract(t, pdf, 0, 0)
	for _, r := range rg.Rows {
		if c := strings.Count(all, r.Code+" "); c != 1 {
			t.Errorf("code %s printed %d times", r.Code, c)
		}
	}
}

// TestRowTallerThanPage: a cell longer than a page is split line by line
// across pages under a repeated header, losing nothing.
func TestRowTallerThanPage(t *testing.T) {
	rc := receiptFor(Regime2025)
	rc.Components = []Component{
		{Name: strings.Repeat("Ngọc ", 2500), Originals: 1},
		{Name: strings.Repeat("x", 3000), Copies: 1}, // one word wider than the column
		{Name: "Giấy cuối cùng", Originals: 1},
	}
	pdf := renderPDF(t, rc)
	if n := pages(pdf); n < 3 {
		t.Fatalf("%d pages, want at least 3", n)
	}
	text := extract(t, pdf, 0, 0)
	if c := strings.Count(text, "Ngọc"); c != 2500 {
		t.Errorf("%d of 2500 words printed", c)
	}
	if c := strings.Count(text, "x"); c < 3000 {
		t.Errorf("%d of 3000 letters x printed", c)
	}
	contains(t, text, "3 Giấy cuối cùng 1 0", "NGƯỜI TIẾP NHẬN HỒ SƠ")
	if c := strings.Count(text, "STT Tên giấy tờ Bản chính Bản sao Đã số hóa"); c < pages(pdf)-1 {
		t.Errorf("header printed %d times on %d pages", c, pages(pdf))
	}
}
