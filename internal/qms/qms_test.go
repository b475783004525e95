package qms

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/unit"
)

func key(err error) string {
	if e, ok := failure.As(err); ok {
		return e.Key
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestDocumentRules(t *testing.T) {
	d := Document{Code: "QT-01", Kind: KindProcedure, Title: "Quy trình", Status: Draft, AuthorID: "author",
		Reviews: []Review{{UserID: "r1"}, {UserID: "r2"}}}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := key(d.CanSubmit()); got != "qms.doc_approver_required" {
		t.Fatalf("no approver: %s", got)
	}
	d.ApproverID = "author"
	if got := key(d.CanSubmit()); got != "qms.doc_approver_is_author" {
		t.Fatalf("author approves: %s", got)
	}
	d.ApproverID = "boss"
	if err := d.CanSubmit(); err != nil {
		t.Fatal(err)
	}
	d.Status = InReview
	for _, tc := range []struct {
		who  string
		want string
	}{{"author", "qms.doc_approver_is_author"}, {"r1", "qms.doc_not_approver"}, {"boss", "qms.doc_reviews_pending"}} {
		if got := key(d.CanApprove(tc.who)); got != tc.want {
			t.Errorf("approve by %s: %s, want %s", tc.who, got, tc.want)
		}
	}
	d.Reviews[0].Verdict, d.Reviews[1].Verdict = Agree, Agree
	if err := d.CanApprove("boss"); err != nil {
		t.Fatal(err)
	}
	if got := key(d.CanReview("stranger", Agree, "")); got != "qms.doc_not_reviewer" {
		t.Fatalf("stranger reviews: %s", got)
	}
	for _, st := range []DocStatus{Published, Obsolete} {
		d.Status = st
		if got := key(d.Editable()); got != "qms.doc_published_no_edit" {
			t.Errorf("%s editable: %s", st, got)
		}
	}
	d.Status = Approved
	if got := key(d.Editable()); got != "qms.doc_not_draft" {
		t.Errorf("approved editable: %s", got)
	}
	d.NextReviewOn = unit.NewDate(2026, 1, 1)
	if got := key(d.CanPublish(unit.NewDate(2026, 1, 1))); got != "qms.doc_review_before_effective" {
		t.Errorf("review day before effect: %s", got)
	}
	d.Status = Published
	if !d.ReviewDue(unit.NewDate(2026, 1, 1)) || d.ReviewDue(unit.NewDate(2025, 12, 31)) {
		t.Error("review due")
	}
	next := d.Revision(3, "author2")
	if next.Version != 4 || next.Status != Draft || next.AuthorID != "author2" || next.Reviews != nil {
		t.Errorf("revision: %+v", next)
	}
	bad := Document{Code: "có dấu cách", Kind: "x", Title: strings.Repeat("a", 301), ProcedureCode: "1.001193"}
	if n := len(failure.Fields(bad.Validate())); n != 4 {
		t.Errorf("bad document: %d errors: %v", n, bad.Validate())
	}
}

func officeFile(t *testing.T, part string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("[Content_Types].xml")
	w.Write([]byte("<Types/>"))
	w, _ = z.Create(part)
	w.Write([]byte("<x/>"))
	z.Close()
	return b.Bytes()
}

func TestAttachments(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%µ¶\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a.pdf", pdf, TypePDF},
		{"a.docx", officeFile(t, "word/document.xml"), TypeDOCX},
		{"a.xlsx", officeFile(t, "xl/workbook.xml"), TypeXLSX},
		{"a.zip", officeFile(t, "other.txt"), ""},
		{"a.html", []byte("<html><script>alert(1)</script>"), ""},
	} {
		if got := SniffAttachment(tc.data); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	a, err := NewAttachment(`C:\Tài liệu\"Quy trình"; 01.exe`, pdf)
	if err != nil || a.Name != "Quy trình 01.pdf" || len(a.SHA256) != 64 || a.Size != int64(len(pdf)) {
		t.Fatalf("attachment: %+v %v", a, err)
	}
	for _, tc := range []struct {
		data []byte
		want string
	}{{nil, "qms.file_empty"}, {make([]byte, MaxAttachmentBytes+1), "qms.file_too_large"}, {[]byte("text"), "qms.file_type"}} {
		if _, err := NewAttachment("x", tc.data); key(err) != tc.want {
			t.Errorf("%s: %v", tc.want, err)
		}
	}
}

func TestMonths(t *testing.T) {
	m := MonthOf(time.Date(2022, 1, 31, 18, 0, 0, 0, time.UTC)) // 1 February in Vietnam
	if m.String() != "2022-02" || m.Display() != "02/2022" || m.LastDay() != unit.NewDate(2022, 2, 28) {
		t.Fatalf("month: %v %s", m, m.LastDay())
	}
	if m.Prev().String() != "2022-01" || m.Next().String() != "2022-03" || !m.Prev().Before(m) {
		t.Fatal("neighbours")
	}
	if m.Over(unit.NewDate(2022, 2, 28)) || !m.Over(unit.NewDate(2022, 3, 1)) {
		t.Fatal("over")
	}
	if got := (Period{Month{2022, 11}, Month{2023, 2}}).Months(); len(got) != 4 || got[3].String() != "2023-02" {
		t.Fatalf("period: %v", got)
	}
	var s Month
	if err := s.Scan("2022-10"); err != nil || s != (Month{2022, 10}) {
		t.Fatal(err)
	}
}
