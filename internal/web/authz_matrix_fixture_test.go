package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
)

// The authorization matrix's world: province P with communes A and B (newFixture), a
// one-stop centre (agency) in each of the three, the matrix's actors (every role in
// commune A, the overseer and an admin of the province, the system administrator) and, in
// every unit, the staff and the records the routes' wildcards name: a dossier received at
// the desk, an online submission with its file, a review plan, QMS documents, objectives,
// nonconformities, management reviews, audits. Every record's title carries its unit's
// marker (ZQA, ZQB, ZQP) so a refusal can be checked for leaks.

// mScope is one unit of the matrix with its staff and records.
type mScope struct {
	key                       byte // 'A', 'B' or 'P'
	unit, agency              unit.Unit
	recv, hand, appr, iso     user.User // the unit's staff (in commune A, the actors themselves)
	auditor                   user.User // an official allowed to audit the unit (holds no role in it)
	target                    user.User // an official of the unit the admin routes act on
	dossier, online           dossier.Dossier
	file                      string
	reviewPlan, reviewTask    string
	doc, att, published       string // a draft with a file, a published version
	objective, nc, risk       string
	review, output            string
	programme, audit, auditIt string
}

func (s *mScope) marker() string { return "ZQ" + string(s.key) }

// matrix holds the world and the records made on demand for one route.
type matrix struct {
	*fixture
	t      *testing.T
	scopes map[byte]*mScope
	actors []*mActor
	sys    auth.Actor
	probe  user.User // the official the sign-in route signs in
	// Decision 766 index definitions by scope: A the national default, B another
	// province's version, P the province's own.
	index766 map[byte]string
	job      string
	seq      int
	cache    map[string]string
}

// mActor is one column of the matrix: an official (nil for the anonymous visitor) and a
// signed-in client.
type mActor struct {
	col   string
	u     *user.User
	c     *client
	actor auth.Actor // what authorization sees (anonymous: the zero actor)
}

const matrixPublished = "2025-07-01"

func newMatrix(t *testing.T, f *fixture) *matrix {
	t.Helper()
	ctx := context.Background()
	m := &matrix{fixture: f, t: t, scopes: map[byte]*mScope{}, cache: map[string]string{}, job: "matrix.probe",
		sys: auth.Actor{UserID: f.systemAdmin.ID, SystemAdmin: true}}
	publishSample(t, f)
	mkUnit := func(u unit.Unit) unit.Unit {
		u.ValidFrom = unit.NewDate(2025, 7, 1)
		if err := f.db.CreateUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	agencyB := mkUnit(unit.Unit{Code: "TTPVHCC-08173", Name: "Trung tâm PVHCC xã Quảng Yên", Kind: unit.Centre, ParentID: f.b.ID, AgencyCode: "000.53.15.H29"})
	agencyP := mkUnit(unit.Unit{Code: "TTPVHCC-25", Name: "Trung tâm PVHCC tỉnh Phú Thọ", Kind: unit.Centre, ParentID: f.prov.ID, AgencyCode: "000.00.01.H29"})
	other := mkUnit(unit.Unit{Code: "08", Name: "Tỉnh Tuyên Quang", Kind: unit.Province})
	for _, c := range []struct {
		id   string
		code string
	}{{f.prov.ID, "1.001193"}, {f.prov.ID, "1.003554"}, {f.b.ID, "1.003554"}} {
		if err := f.db.PublishProcedure(ctx, c.id, c.code, unit.NewDate(2025, 7, 1), ""); err != nil {
			t.Fatal(err)
		}
	}
	a := &mScope{key: 'A', unit: f.a, agency: f.agencyA, recv: f.receiverA,
		hand: f.official(t, "xuly.a@demo.motcua.vn", "Đỗ Văn Giang", f.a, user.Handler),
		appr: f.official(t, "lanhdao.a@demo.motcua.vn", "Vũ Thị Hoa", f.a, user.Approver),
		iso:  f.official(t, "iso.a@demo.motcua.vn", "Bùi Văn Khánh", f.a, user.QMS)}
	b := &mScope{key: 'B', unit: f.b, agency: agencyB,
		recv: f.official(t, "tiepnhan.b@demo.motcua.vn", "Ngô Thị Khác", f.b, user.Receiver),
		hand: f.official(t, "xuly.b@demo.motcua.vn", "Lý Văn Xử", f.b, user.Handler),
		appr: f.official(t, "lanhdao.b@demo.motcua.vn", "Tạ Thị Duyệt", f.b, user.Approver),
		iso:  f.official(t, "iso.b@demo.motcua.vn", "Hà Văn Thư", f.b, user.QMS)}
	p := &mScope{key: 'P', unit: f.prov, agency: agencyP,
		recv: f.official(t, "tiepnhan.tinh@demo.motcua.vn", "Kiều Thị Nhận", f.prov, user.Receiver),
		hand: f.official(t, "xuly.tinh@demo.motcua.vn", "Mai Văn Xét", f.prov, user.Handler),
		appr: f.official(t, "lanhdao.tinh@demo.motcua.vn", "Đinh Văn Ký", f.prov, user.Approver),
		iso:  f.official(t, "iso.tinh@demo.motcua.vn", "Lò Thị Chất", f.prov, user.QMS)}
	a.auditor, b.auditor = b.iso, a.iso
	p.auditor = f.official(t, "iso.tuyenquang@demo.motcua.vn", "Vi Văn Ngoài", other, user.QMS)
	m.scopes['A'], m.scopes['B'], m.scopes['P'] = a, b, p
	provAdmin := f.official(t, "admin.tinh@demo.motcua.vn", "Chu Văn Tỉnh", f.prov, user.Admin)
	m.probe = f.official(t, "dangnhap@demo.motcua.vn", "Thử Đăng Nhập", f.a, user.Receiver)
	for _, sc := range []*mScope{a, b, p} {
		m.populate(sc)
	}
	m.index766 = m.index766Versions(other)
	if err := f.db.RegisterJob(ctx, m.job, "daily 02:00", time.Now().Add(24*time.Hour), time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, ac := range []struct {
		col string
		u   *user.User
	}{{"anon", nil}, {"recv", &a.recv}, {"hand", &a.hand}, {"appr", &a.appr}, {"qms", &a.iso},
		{"adm", &f.adminA}, {"ovs", &f.overseer}, {"padm", &provAdmin}, {"sys", &f.systemAdmin}} {
		a := &mActor{col: ac.col, u: ac.u, c: newClient(t, f.srv)}
		if ac.u != nil {
			a.c, a.actor = signedIn(t, f, *ac.u), actorOf(t, f, *ac.u)
			a.actor.SystemAdmin = ac.u.SystemAdmin
		}
		m.actors = append(m.actors, a)
	}
	return m
}

// populate makes the shared records of one unit.
func (m *matrix) populate(sc *mScope) {
	t, ctx, db := m.t, context.Background(), m.db
	mk := sc.marker()
	sc.target = m.official(t, "canbo."+strings.ToLower(mk)+"@demo.motcua.vn", "Cán Bộ Đích", sc.unit, user.Handler)
	var err error
	sc.dossier, err = db.Receive(ctx, m.sys, store.IntakeRequest{UnitID: sc.agency.ID, ProcedureCode: "1.001193",
		Channel: dossier.AtDesk, Applicant: m.applicant(sc), Components: m.components(t, true)})
	if err != nil {
		t.Fatal(err)
	}
	batch := portal.Batch{Limits: portal.DefaultLimits}
	comps := m.components(t, false)
	for i, c := range comps {
		if err := batch.Add("file_"+strconv.Itoa(i), c.Name, "to-khai-"+mk+".pdf", realPDF(t)); err != nil {
			t.Fatal(err)
		}
	}
	sc.online, _, err = db.SubmitOnline(ctx, store.IntakeRequest{UnitID: sc.agency.ID, ProcedureCode: "1.001193",
		Channel: dossier.Online, Payment: dossier.NoFee, Applicant: m.applicant(sc), Components: comps,
		IdempotencyKey: "matrix-" + mk}, batch.Files)
	if err != nil {
		t.Fatal(err)
	}
	files, err := db.DossierFiles(ctx, sc.online.ID)
	if err != nil || len(files) == 0 {
		t.Fatalf("files of %s: %v %v", mk, files, err)
	}
	sc.file = files[0].ID
	sc.reviewPlan, sc.reviewTask = m.newReviewPlan(sc, 2026)
	sc.doc = m.newDocSteps(sc, docDraft)
	att, err := qms.NewAttachment("quy-trinh-"+mk+".pdf", realPDF(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddAttachment(ctx, sc.doc, &att, sc.iso.ID); err != nil {
		t.Fatal(err)
	}
	sc.att = att.ID
	sc.published = m.newDocSteps(sc, docPublished)
	o := qms.Objective{UnitID: sc.unit.ID, Year: 2026, Title: "Mục tiêu " + mk, Measure: qms.OnTimeRate, Comparison: qms.AtLeast, Target: 98}
	if err := db.CreateObjective(ctx, &o, sc.iso.ID); err != nil {
		t.Fatal(err)
	}
	sc.objective = o.ID
	sc.nc = m.newNC(sc, qms.NCOpen)
	rk := qms.Risk{UnitID: sc.unit.ID, Kind: qms.KindRisk, Process: "Tiếp nhận hồ sơ", Description: "Rủi ro " + mk,
		Cause: "Thiếu người", Likelihood: 3, Impact: 4, Treatment: "Bố trí dự phòng", OwnerID: sc.hand.ID,
		DueOn: unit.NewDate(2026, 12, 31)}
	if err := db.CreateRisk(ctx, &rk, sc.iso.ID); err != nil {
		t.Fatal(err)
	}
	sc.risk = rk.ID
	sc.review, sc.output = m.newReview(sc)
	sc.programme = m.newProgramme(sc)
	sc.audit, sc.auditIt = m.newAudit(sc)
}

func (m *matrix) applicant(sc *mScope) dossier.Applicant {
	return dossier.Applicant{Kind: dossier.Person, Name: "Nguyễn Văn " + sc.marker(), IDNumber: "025190012345",
		Phone: "0912345678", Address: "Khu 3, " + sc.unit.Name}
}

// components lists the papers of 1.001193 as received (all of them, or the required ones).
func (m *matrix) components(t *testing.T, all bool) []dossier.Component {
	p, err := m.db.Procedure(context.Background(), "1.001193")
	if err != nil {
		t.Fatal(err)
	}
	var out []dossier.Component
	for _, c := range p.Latest().Components {
		if all || c.Required {
			out = append(out, dossier.Component{Name: c.Name, Received: true, Digitised: true})
		}
	}
	return out
}

func (m *matrix) next() int { m.seq++; return m.seq }

// newReviewPlan makes a review plan (rà soát) of the unit's published procedures.
func (m *matrix) newReviewPlan(sc *mScope, year int) (plan, task string) {
	ctx := context.Background()
	p := procedure.ReviewPlan{UnitID: sc.unit.ID, Year: year, Title: "Rà soát " + sc.marker(), DueOn: unit.NewDate(year, 12, 31)}
	if err := m.db.CreateReviewPlan(ctx, &p, m.systemAdmin.ID); err != nil {
		m.t.Fatal(err)
	}
	tasks, err := m.db.ReviewTasks(ctx, p.ID)
	if err != nil || len(tasks) == 0 {
		m.t.Fatalf("review tasks of %s: %v %v", sc.marker(), tasks, err)
	}
	return p.ID, tasks[0].ID
}

// How far newDocSteps takes a document.
const (
	docDraft     = 0
	docSubmitted = 1
	docReviewed  = 2
	docApproved  = 3
	docPublished = 5 // with the unit's handler as a reader
)

// newDocSteps makes a QMS document of the unit and takes it through steps: drafted by the
// unit's secretary, submitted, reviewed by its receiver, approved by its leader, published,
// sent to its handler to read.
func (m *matrix) newDocSteps(sc *mScope, steps int) string {
	t, ctx, db := m.t, context.Background(), m.db
	n := m.next()
	d := qms.Document{UnitID: sc.unit.ID, Code: fmt.Sprintf("QT-%02d", n), Kind: qms.KindProcedure,
		Title: "Quy trình " + sc.marker(), Body: "Nội dung " + sc.marker(), ApproverID: sc.appr.ID}
	if err := db.CreateDocument(ctx, &d, []string{sc.recv.ID}, sc.iso.ID); err != nil {
		t.Fatal(err)
	}
	all := []func() error{
		func() error { return db.SubmitDocument(ctx, d.ID, sc.iso.ID) },
		func() error { return db.ReviewDocument(ctx, d.ID, sc.recv.ID, qms.Agree, "") },
		func() error { return db.ApproveDocument(ctx, d.ID, sc.appr.ID) },
		func() error { return db.PublishDocument(ctx, d.ID, unit.DateOf(time.Now()), sc.iso.ID) },
		func() error { _, err := db.AddReaders(ctx, d.ID, []string{sc.hand.ID}, sc.iso.ID); return err },
	}
	for i, step := range all[:steps] {
		if err := step(); err != nil {
			t.Fatalf("document %s, step %d: %v", sc.marker(), i, err)
		}
	}
	return d.ID
}

// newNC raises a nonconformity in the unit and brings it to the status: the corrective
// action owned by the unit's handler, verified by its secretary.
func (m *matrix) newNC(sc *mScope, st qms.NCStatus) string {
	t, ctx, db := m.t, context.Background(), m.db
	n := qms.Nonconformity{UnitID: sc.unit.ID, Source: qms.SourceComplaint, Title: "Phản ánh " + sc.marker()}
	if err := db.RaiseNonconformity(ctx, &n, sc.iso.ID); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			return db.PlanNonconformity(ctx, n.ID, qms.Plan{RootCause: "Nguyên nhân " + sc.marker(), Action: "Khắc phục",
				OwnerID: sc.hand.ID, DueOn: unit.NewDate(2026, 12, 31)}, sc.iso.ID)
		},
		func() error { return db.ImplementAction(ctx, n.ID, "Đã làm", sc.hand.ID) },
		func() error { return db.VerifyAction(ctx, n.ID, true, "Có hiệu lực", sc.iso.ID) },
	}
	k := map[qms.NCStatus]int{qms.NCOpen: 0, qms.NCPlanned: 1, qms.NCImplemented: 2, qms.NCVerified: 3}[st]
	for _, step := range steps[:k] {
		if err := step(); err != nil {
			t.Fatalf("nonconformity %s to %s: %v", sc.marker(), st, err)
		}
	}
	return n.ID
}

// newReview makes a draft management review with one action owned by the unit's handler.
func (m *matrix) newReview(sc *mScope) (review, output string) {
	t, ctx := m.t, context.Background()
	rv := qms.ManagementReview{UnitID: sc.unit.ID, Title: "Xem xét " + sc.marker(), From: unit.NewDate(2026, 1, 1),
		To: unit.NewDate(2026, 6, 30), HeldOn: unit.NewDate(2026, 7, 3), Chair: sc.appr.FullName}
	if err := m.db.CreateReview(ctx, &rv, sc.iso.ID); err != nil {
		t.Fatal(err)
	}
	o := qms.ReviewOutput{Kind: qms.OutputAction, Text: "Hành động " + sc.marker(), OwnerID: sc.hand.ID, DueOn: unit.NewDate(2026, 9, 30)}
	if err := m.db.AddReviewOutput(ctx, rv.ID, &o, sc.iso.ID); err != nil {
		t.Fatal(err)
	}
	return rv.ID, o.ID
}

// newProgramme makes the unit's audit programme of 2026.
func (m *matrix) newProgramme(sc *mScope) string {
	p := qms.Programme{UnitID: sc.unit.ID, Year: 2026, Title: "Chương trình " + sc.marker()}
	if err := m.db.CreateProgramme(context.Background(), &p, sc.iso.ID); err != nil {
		m.t.Fatal(err)
	}
	return p.ID
}

// newAudit plans an audit of the unit in its programme by its auditor.
func (m *matrix) newAudit(sc *mScope) (plan, item string) {
	t, ctx := m.t, context.Background()
	a := qms.AuditPlan{ProgrammeID: sc.programme, UnitID: sc.unit.ID, Scope: "Phạm vi " + sc.marker(), PlannedOn: unit.NewDate(2026, 10, 15),
		Auditors: []string{sc.auditor.ID}}
	if err := m.db.CreateAuditPlan(ctx, &a, sc.iso.ID); err != nil {
		t.Fatal(err)
	}
	items, err := m.db.AuditItems(ctx, a.ID)
	if err != nil || len(items) == 0 {
		t.Fatalf("audit items: %v", err)
	}
	return a.ID, items[0].ID
}

// once returns the record key names, making it with mk the first time.
func (m *matrix) once(key string, mk func() string) string {
	if v, ok := m.cache[key]; ok {
		return v
	}
	v := mk()
	m.cache[key] = v
	return v
}

// freshToken makes an API token of the unit's agency, for a route that revokes it.
func (m *matrix) freshToken(sc *mScope) string {
	tok, _, err := m.db.CreateAPIToken(context.Background(), "Khóa "+sc.marker(), sc.agency.ID, user.Receiver, time.Time{}, m.systemAdmin.ID)
	if err != nil {
		m.t.Fatal(err)
	}
	return tok.ID
}

// freshAssignment makes an official with a role in the unit, for a route that removes it.
func (m *matrix) freshAssignment(sc *mScope) (userID, assignmentID string) {
	u := m.official(m.t, fmt.Sprintf("vaitro%d@demo.motcua.vn", m.next()), "Cán Bộ Vai Trò", sc.unit, user.Handler)
	as, err := m.db.Assignments(context.Background(), u.ID)
	if err != nil || len(as) != 1 {
		m.t.Fatalf("assignments: %v %v", as, err)
	}
	return u.ID, as[0].ID
}

// freshAttachment adds a file to a draft of the unit, for a route that deletes it.
func (m *matrix) freshAttachment(sc *mScope, docID string) string {
	att, err := qms.NewAttachment("phu-luc.pdf", realPDF(m.t))
	if err != nil {
		m.t.Fatal(err)
	}
	if err := m.db.AddAttachment(context.Background(), docID, &att, sc.iso.ID); err != nil {
		m.t.Fatal(err)
	}
	return att.ID
}

// notification makes a notification for the official (the actor's own in commune A,
// another official's elsewhere).
func (m *matrix) notification(to user.User, sc *mScope) string {
	ctx := context.Background()
	key := fmt.Sprintf("matrix:%d", m.next())
	n := store.Notification{UserID: to.ID, UnitID: sc.agency.ID, Kind: "overdue", SubjectType: "dossier",
		SubjectID: sc.dossier.ID, DedupKey: key, Link: "/dossiers/" + sc.dossier.ID,
		Args: map[string]string{"code": sc.dossier.Code, "procedure": "Thông báo " + sc.marker(), "due_at": "2026-02-10T02:00:00Z"}}
	if _, err := m.db.Notify(ctx, n, nil); err != nil {
		m.t.Fatal(err)
	}
	list, err := m.db.Notifications(ctx, to.ID, 100, 0)
	if err != nil {
		m.t.Fatal(err)
	}
	for _, x := range list {
		if x.DedupKey == key {
			return x.ID
		}
	}
	m.t.Fatalf("notification %s not found", key)
	return ""
}

// version is the dossier's current version, for an action form.
func (m *matrix) version(id string) string {
	d, err := m.db.Dossier(context.Background(), id)
	if err != nil {
		m.t.Fatal(err)
	}
	return strconv.Itoa(d.Version)
}

// intakeForm is a complete desk intake of 1.001193 at the unit's agency.
func (m *matrix) intakeForm(sc *mScope) url.Values {
	f := url.Values{"unit_id": {sc.agency.ID}, "procedure": {"1.001193"}, "key": {fmt.Sprintf("%032x", m.next())},
		"applicant_kind": {"person"}, "applicant_name": {"Nguyễn Thị " + sc.marker()}, "applicant_id": {"025190012345"},
		"applicant_phone": {"0912 345 678"}, "applicant_address": {"Khu 3"}, "channel": {"desk"}, "payment": {"none"}}
	for i, c := range m.components(m.t, true) {
		f.Add("comp_name", c.Name)
		f.Add("received", strconv.Itoa(i))
	}
	return f
}

// index766Versions stores a version of the Decision 766 index for the province and for the
// other province (in force from 2027, so still editable) and finds the national default.
func (m *matrix) index766Versions(other unit.Unit) map[byte]string {
	t, ctx := m.t, context.Background()
	if err := m.db.EnsureIndex766Default(ctx); err != nil {
		t.Fatal(err)
	}
	out := map[byte]string{}
	for key, prov := range map[byte]unit.Unit{'P': m.prov, 'B': other} {
		body := strings.Replace(string(report.DefaultDefinitionJSON), `"version": "766/QĐ-TTg (2022)"`, `"version": "ZQ`+string(key)+`-2027"`, 1)
		body = strings.Replace(body, `"effective_from": "2022-06-23"`, `"effective_from": "2027-01-01"`, 1)
		v, err := m.db.SaveIndex766Version(ctx, prov.ID, "", []byte(body), m.systemAdmin.ID, calendar.DateOf(time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		out[key] = v.ID
	}
	all, err := m.db.Index766Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range all {
		if v.Default {
			out['A'] = v.ID
		}
	}
	if out['A'] == "" {
		t.Fatal("no national Decision 766 definition")
	}
	return out
}
