package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// qmsUnits is commune A (with its desk) and commune B, each with a QMS secretary, a
// leader, and a receiver in A's desk.
type qmsUnits struct {
	prov, a, b, deskA             unit.Unit
	isoA, leaderA, receiver, isoB string
}

func newQMSUnits(t *testing.T, db *store.DB) qmsUnits {
	t.Helper()
	var k qmsUnits
	k.prov, k.a, k.b, k.deskA = tree(t, db)
	k.isoA = official(t, db, "iso.a@x.vn", "Đỗ Thị Thư", k.a, user.QMS).UserID
	k.leaderA = official(t, db, "lanhdao.a@x.vn", "Hoàng Văn Duyệt", k.a, user.Approver).UserID
	k.receiver = official(t, db, "tiepnhan.a@x.vn", "Lê Thị Tiếp", k.deskA, user.Receiver).UserID
	k.isoB = official(t, db, "iso.b@x.vn", "Ngô Văn Khác", k.b, user.QMS).UserID
	return k
}

// publishedDoc drafts, submits, approves and publishes a document of A.
func (k qmsUnits) publishedDoc(t *testing.T, db *store.DB, d qms.Document, on unit.Date) qms.Document {
	t.Helper()
	ctx := context.Background()
	d.UnitID, d.ApproverID = k.a.ID, k.leaderA
	if err := db.CreateDocument(ctx, &d, nil, k.isoA); err != nil {
		t.Fatal(err)
	}
	for _, step := range []error{db.SubmitDocument(ctx, d.ID, k.isoA), db.ApproveDocument(ctx, d.ID, k.leaderA),
		db.PublishDocument(ctx, d.ID, on, k.isoA)} {
		if step != nil {
			t.Fatal(step)
		}
	}
	return d
}

func docStatus(t *testing.T, db *store.DB, id string) qms.DocStatus {
	t.Helper()
	d, err := db.Document(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Status
}

func TestDocumentLife(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSUnits(t, db)
		doc := qms.Document{UnitID: k.a.ID, Code: " QT-01 ", Kind: qms.KindProcedure, Title: "Quy trình  kiểm soát tài liệu",
			Body: "Mục đích, phạm vi, nội dung.", OwnerID: k.isoA, ApproverID: k.leaderA}
		if err := db.CreateDocument(ctx, &doc, []string{k.receiver, k.receiver, ""}, k.isoA); err != nil {
			t.Fatal(err)
		}
		if doc.Code != "QT-01" || doc.Version != 1 || doc.Status != qms.Draft || doc.Title != "Quy trình kiểm soát tài liệu" {
			t.Fatalf("created: %+v", doc)
		}
		// Bad input: the same code again, an outsider as reviewer, the author approving,
		// an approver without the right, an unknown procedure code.
		dup := qms.Document{UnitID: k.a.ID, Code: "QT-01", Kind: qms.KindForm, Title: "Khác"}
		wantKind(t, db.CreateDocument(ctx, &dup, nil, k.isoA), failure.Conflict, "code")
		bad := qms.Document{UnitID: k.a.ID, Code: "QT-02", Kind: qms.KindProcedure, Title: "X", ApproverID: k.isoA}
		if fields := failure.Fields(db.CreateDocument(ctx, &bad, []string{k.isoB}, k.isoA)); len(fields) != 2 ||
			fields[0].Field != "reviewers" || fields[1].Field != "approver_id" {
			t.Fatalf("outsider reviewer, author approver: %v", fields)
		}
		bad.ApproverID, bad.ProcedureCode = k.receiver, "9.999999"
		if fields := failure.Fields(db.CreateDocument(ctx, &bad, nil, k.isoA)); len(fields) != 1 || fields[0].Field != "procedure_code" {
			t.Fatalf("unknown procedure: %v", fields)
		}
		bad.ProcedureCode = ""
		wantKind(t, db.CreateDocument(ctx, &bad, nil, k.isoA), failure.Invalid, "approver_id")

		got, err := db.Document(ctx, doc.ID)
		if err != nil || len(got.Reviews) != 1 || got.Reviews[0].UserID != k.receiver || got.ApproverName != "Hoàng Văn Duyệt" {
			t.Fatalf("read back: %+v %v", got, err)
		}
		// The draft is edited; then reviewed: changes send it back, agreement lets the
		// approver approve, and only the named approver.
		got.Title = "Quy trình kiểm soát tài liệu và hồ sơ"
		if err := db.UpdateDraft(ctx, got.Document, []string{k.receiver}, k.isoA); err != nil {
			t.Fatal(err)
		}
		if err := db.SubmitDocument(ctx, doc.ID, k.isoA); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.UpdateDraft(ctx, got.Document, nil, k.isoA), failure.Conflict, "")
		wantKind(t, db.ApproveDocument(ctx, doc.ID, k.leaderA), failure.Conflict, "") // review pending
		wantKind(t, db.ReviewDocument(ctx, doc.ID, k.isoB, qms.Agree, ""), failure.Forbidden, "")
		wantKind(t, db.ReviewDocument(ctx, doc.ID, k.receiver, qms.Changes, " "), failure.Invalid, "comment")
		if err := db.ReviewDocument(ctx, doc.ID, k.receiver, qms.Changes, "Bổ sung bước lưu hồ sơ"); err != nil {
			t.Fatal(err)
		}
		if st := docStatus(t, db, doc.ID); st != qms.Draft {
			t.Fatalf("after changes asked: %s", st)
		}
		for _, step := range []error{db.SubmitDocument(ctx, doc.ID, k.isoA),
			db.ReviewDocument(ctx, doc.ID, k.receiver, qms.Agree, "")} {
			if step != nil {
				t.Fatal(step)
			}
		}
		wantKind(t, db.ApproveDocument(ctx, doc.ID, k.isoA), failure.Forbidden, "") // the author
		wantKind(t, db.PublishDocument(ctx, doc.ID, d(2026, 1, 5), k.isoA), failure.Conflict, "")
		if err := db.ApproveDocument(ctx, doc.ID, k.leaderA); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.PublishDocument(ctx, doc.ID, unit.Date{}, k.isoA), failure.Invalid, "effective_on")
		if err := db.PublishDocument(ctx, doc.ID, d(2026, 1, 5), k.isoA); err != nil {
			t.Fatal(err)
		}
		// Published: never edited in place, nor given files.
		got, _ = db.Document(ctx, doc.ID)
		if !got.Current() || got.EffectiveOn != d(2026, 1, 5) || got.PublishedAt.IsZero() {
			t.Fatalf("published: %+v", got)
		}
		err = db.UpdateDraft(ctx, got.Document, nil, k.isoA)
		if e, ok := failure.As(err); !ok || e.Key != "qms.doc_published_no_edit" {
			t.Fatalf("edit in place: %v", err)
		}
		pdf, _ := qms.NewAttachment("a.pdf", []byte("%PDF-1.4\n%µ¶\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"))
		wantKind(t, db.AddAttachment(ctx, doc.ID, &pdf, k.isoA), failure.Conflict, "")

		// Distribution and acknowledgement.
		if n, err := db.AddReaders(ctx, doc.ID, []string{k.receiver, k.leaderA, k.receiver}, k.isoA); err != nil || n != 2 {
			t.Fatalf("readers: %d %v", n, err)
		}
		if _, err := db.AddReaders(ctx, doc.ID, []string{k.isoB}, k.isoA); !failure.Is(err, failure.Invalid) {
			t.Fatalf("outsider reader: %v", err)
		}
		if list, _ := db.ToRead(ctx, k.receiver); len(list) != 1 || list[0].ID != doc.ID {
			t.Fatalf("to read: %+v", list)
		}
		if err := db.Acknowledge(ctx, doc.ID, k.receiver); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.Acknowledge(ctx, doc.ID, k.isoB), failure.Forbidden, "")
		got, _ = db.Document(ctx, doc.ID)
		if got.Readers != 2 || got.Acknowledged != 1 || got.Unread() != 1 {
			t.Fatalf("counts: %d/%d", got.Acknowledged, got.Readers)
		}
		readers, _ := db.Readers(ctx, doc.ID)
		if len(readers) != 2 || readers[0].UserID != k.leaderA || !readers[0].AcknowledgedAt.IsZero() {
			t.Fatalf("unread first: %+v", readers)
		}
		if list, _ := db.ToRead(ctx, k.receiver); len(list) != 0 {
			t.Fatalf("still to read: %+v", list)
		}

		// A new version: a draft copying content, readers (to acknowledge again) and files;
		// one at a time; publishing it makes version 1 obsolete.
		v2, err := db.ReviseDocument(ctx, doc.ID, k.isoA)
		if err != nil || v2.Version != 2 || v2.Status != qms.Draft || v2.Code != "QT-01" {
			t.Fatalf("revise: %+v %v", v2, err)
		}
		wantKind(t, func() error { _, err := db.ReviseDocument(ctx, doc.ID, k.isoA); return err }(), failure.Conflict, "")
		if err := db.AddAttachment(ctx, v2.ID, &pdf, k.isoA); err != nil {
			t.Fatal(err)
		}
		files, _ := db.Attachments(ctx, v2.ID)
		if len(files) != 1 || files[0].SHA256 != pdf.SHA256 || files[0].Data != nil {
			t.Fatalf("files: %+v", files)
		}
		full, err := db.Attachment(ctx, files[0].ID)
		if err != nil || string(full.Data) != string(pdf.Data) || full.ContentType != qms.TypePDF {
			t.Fatalf("download: %v", err)
		}
		wantKind(t, db.SubmitDocument(ctx, v2.ID, k.isoA), failure.Invalid, "change_note")
		v2row, _ := db.Document(ctx, v2.ID)
		v2row.ChangeNote = "Bổ sung biểu mẫu"
		if err := db.UpdateDraft(ctx, v2row.Document, nil, k.isoA); err != nil {
			t.Fatal(err)
		}
		for _, step := range []error{db.SubmitDocument(ctx, v2.ID, k.isoA), db.ApproveDocument(ctx, v2.ID, k.leaderA),
			db.PublishDocument(ctx, v2.ID, d(2026, 3, 1), k.isoA)} {
			if step != nil {
				t.Fatal(step)
			}
		}
		if st := docStatus(t, db, doc.ID); st != qms.Obsolete {
			t.Fatalf("version 1 after version 2: %s", st)
		}
		wantKind(t, db.Acknowledge(ctx, doc.ID, k.leaderA), failure.Conflict, "")
		if list, _ := db.ToRead(ctx, k.receiver); len(list) != 1 || list[0].Version != 2 {
			t.Fatalf("new version to read: %+v", list)
		}
		current, _ := db.Documents(ctx, store.DocumentFilter{Under: []string{k.a.Path}, Statuses: []qms.DocStatus{qms.Published}})
		if len(current) != 1 || current[0].ID != v2.ID {
			t.Fatalf("current: %+v", current)
		}
		all, _ := db.Documents(ctx, store.DocumentFilter{UnitID: k.a.ID, Code: "QT-01"})
		if len(all) != 2 || all[0].Version != 2 || all[1].Status != qms.Obsolete {
			t.Fatalf("versions: %+v", all)
		}

		// Withdrawal with a reason; everything is in the history.
		wantKind(t, db.WithdrawDocument(ctx, v2.ID, "", k.isoA), failure.Invalid, "reason")
		if err := db.WithdrawDocument(ctx, v2.ID, "Hợp nhất vào QT-05", k.isoA); err != nil {
			t.Fatal(err)
		}
		trail, _ := db.AuditTrail(ctx, "qms_document", doc.ID, 0)
		var actions []string
		for _, e := range trail {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); !strings.Contains(got, "qms.doc_publish") || !strings.Contains(got, "qms.doc_review") ||
			!strings.Contains(got, "qms.doc_acknowledge") || !strings.Contains(got, "qms.doc_create") {
			t.Fatalf("trail: %s", got)
		}
	})
}

func TestSingleCurrentPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newQMSUnits(t, db)
		k.publishedDoc(t, db, qms.Document{Code: "CSCL", Kind: qms.KindPolicy, Title: "Chính sách chất lượng",
			Body: "Công khai, minh bạch, đúng hẹn."}, d(2026, 1, 1))
		other := qms.Document{UnitID: k.a.ID, Code: "CSCL-2", Kind: qms.KindPolicy, Title: "Chính sách khác",
			Body: "Khác.", ApproverID: k.leaderA}
		if err := db.CreateDocument(ctx, &other, nil, k.isoA); err != nil {
			t.Fatal(err)
		}
		_ = db.SubmitDocument(ctx, other.ID, k.isoA)
		_ = db.ApproveDocument(ctx, other.ID, k.leaderA)
		err := db.PublishDocument(ctx, other.ID, d(2026, 2, 1), k.isoA)
		if e, ok := failure.As(err); !ok || e.Key != "qms.doc_single_current" {
			t.Fatalf("second policy: %v", err)
		}
		noBody := qms.Document{UnitID: k.a.ID, Code: "PV", Kind: qms.KindScope, Title: "Phạm vi"}
		wantKind(t, db.CreateDocument(ctx, &noBody, nil, k.isoA), failure.Invalid, "body")
	})
}
