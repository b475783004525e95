package forms

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func qmsMinutes() QMSRecord {
	rows := make([][]string, 40)
	for i := range rows {
		rows[i] = []string{"Hành động " + strings.Repeat("cải tiến ", i%5+1), "Đỗ Thị Thư", "30/06/2026"}
	}
	return QMSRecord{Heading: heading(), Title: "Biên bản họp xem xét của lãnh đạo", Lines: []string{"Kỳ xem xét: 01/01/2026 – 30/06/2026"},
		Date: at(2026, 7, 3, 9, 0),
		Sections: []QMSSection{
			{Title: "I. Thành phần", Paragraphs: []string{"Chủ trì: Hoàng Văn Duyệt", "Thư ký: Đỗ Thị Thư"}},
			{Title: "II. Đầu vào", Items: []string{"Tỷ lệ hồ sơ đúng hạn: 99,79% (26.243/26.298)", "Hài lòng: 95%"}},
			{Title: "III. Đầu ra", Table: QMSTable{Columns: []QMSColumn{{"Nội dung", 60, ""}, {"Người thực hiện", 25, ""}, {"Hạn", 15, "C"}}, Rows: rows}},
		},
		Left: QMSSigner{"Thư ký", "Đỗ Thị Thư"}, Right: QMSSigner{"Chủ trì", "Hoàng Văn Duyệt"}}
}

func TestQMSRecord(t *testing.T) {
	r := qmsMinutes()
	pdf := renderPDF(t, r)
	again := renderPDF(t, r)
	if !bytes.Equal(pdf, again) {
		t.Fatal("the same input gave different bytes")
	}
	if pages(pdf) < 2 {
		t.Fatalf("%d pages: the long table should break", pages(pdf))
	}
	contains(t, extract(t, pdf, 0, 0), "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO", "Thanh Ba, ngày 03 tháng 7 năm 2026",
		"99,79% (26.243/26.298)", "Người thực hiện", "Hoàng Văn Duyệt", "CHỦ TRÌ")
	var ve *ValidationError
	bad := QMSRecord{Sections: []QMSSection{{Title: "X", Table: QMSTable{Columns: []QMSColumn{{"A", 1, ""}}, Rows: [][]string{{"a", "b"}}}}}}
	if err := bad.Validate(); !errors.As(err, &ve) || len(ve.Fields) != 6 {
		t.Fatalf("bad record: %v", err)
	}
}
