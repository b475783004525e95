package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/unit"
)

var (
	tinyPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
		"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
)

func TestProceduresInForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		old := sampleVersion("1.000111", "Thủ tục đã hết hiệu lực", d(2020, 1, 1))
		old.EffectiveTo = d(2025, 1, 1)
		mustAdd(t, db, old)
		mustAdd(t, db, sampleVersion("2.000222", "Thủ tục của xã khác", d(2020, 1, 1)))
		for code, in := range map[string]unit.Unit{old.Code: k.commune, "2.000222": k.other} {
			if err := db.PublishProcedure(ctx, in.ID, code, d(2020, 1, 1), ""); err != nil {
				t.Fatal(err)
			}
		}
		codes := func(on unit.Date, q string) string {
			t.Helper()
			list, err := db.ProceduresInForce(ctx, k.agency.ID, on, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range list {
				if _, ok := p.VersionOn(on); !ok {
					t.Fatalf("%s listed without a version in force", p.Code)
				}
				out = append(out, p.Code)
			}
			return strings.Join(out, ",")
		}
		// The agency applies what its commune publishes; the neighbour's is not listed,
		// nor an expired procedure once it has ended.
		if got := codes(d(2024, 6, 1), ""); got != "1.000111,1.004873" {
			t.Fatalf("2024: %s", got)
		}
		if got := codes(d(2026, 3, 2), ""); got != "1.004873" {
			t.Fatalf("2026: %s", got)
		}
		if got := codes(d(2026, 3, 2), "tinh trang hon nhan"); got != "1.004873" {
			t.Fatalf("search without diacritics: %s", got)
		}
		if got := codes(d(2026, 3, 2), "khai sinh"); got != "" {
			t.Fatalf("search: %s", got)
		}
		agencies, err := db.ReceivingAgencies(ctx, d(2026, 3, 2), "thanh ba", 0)
		if err != nil || len(agencies) != 1 || agencies[0].ID != k.agency.ID {
			t.Fatalf("agencies: %+v %v", agencies, err)
		}
		if a, _ := db.ReceivingAgencies(ctx, d(2026, 3, 2), "quang yen", 0); len(a) != 0 {
			t.Fatalf("a commune without an agency code: %+v", a)
		}
	})
}

// onlineRequest is a complete online submission to the desk's agency with the papers the
// files are for.
func (k desk) onlineRequest(key string, at time.Time, comps ...string) store.IntakeRequest {
	req := k.request(key, at)
	req.Channel, req.Payment, req.Components = dossier.Online, dossier.NoFee, nil
	for _, c := range comps {
		req.Components = append(req.Components, dossier.Component{Name: c, Received: true, Digitised: true})
	}
	return req
}

func files(t *testing.T, comps ...string) []portal.File {
	t.Helper()
	b := portal.Batch{Limits: portal.DefaultLimits}
	for i, c := range comps {
		data := tinyPDF
		if i%2 == 1 {
			data = tinyPNG
		}
		if err := b.Add("file", c, "giay to.pdf", data); err != nil {
			t.Fatal(err)
		}
	}
	return b.Files
}

func countRows(t *testing.T, db *store.DB) (dossiers, fileRows int) {
	t.Helper()
	ctx := context.Background()
	n, err := db.CountDossiers(ctx, store.DossierFilter{})
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.ListDossiers(ctx, store.DossierFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		fs, err := db.DossierFiles(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		fileRows += len(fs)
	}
	return n, fileRows
}

func TestSubmitOnlineWithFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		at := vnTime(2026, 3, 2, 20, 0) // Monday evening, outside office hours
		comps := []string{"Tờ khai", "Giấy tờ tùy thân"}
		d, created, err := db.SubmitOnline(ctx, k.onlineRequest("portal-1", at, comps...), files(t, comps...))
		if err != nil || !created || d.State != dossier.Submitted || d.Code != "" || d.Channel != dossier.Online || len(d.LookupSecret) != 8 {
			t.Fatalf("submitted: %+v %v", d, err)
		}
		list, err := db.DossierFiles(ctx, d.ID)
		if err != nil || len(list) != 2 || list[0].Component != "Tờ khai" || list[0].ContentType != portal.PDF ||
			list[1].ContentType != portal.PNG || list[0].UnitID != k.agency.ID || list[0].Data != nil || list[0].Name != "giay to.pdf" {
			t.Fatalf("files: %+v %v", list, err)
		}
		f, err := db.DossierFile(ctx, list[1].ID)
		if err != nil || string(f.Data) != string(tinyPNG) || f.Size != int64(len(tinyPNG)) || f.SHA256 != list[1].SHA256 {
			t.Fatalf("file: %+v %v", f, err)
		}
		if _, err := db.DossierFile(ctx, "nope"); !failure.Is(err, failure.NotFound) {
			t.Fatalf("unknown file: %v", err)
		}
		// The same key again (a double click): the same dossier, no second copy of the files.
		again, created, err := db.SubmitOnline(ctx, k.onlineRequest("portal-1", at, comps...), files(t, comps...))
		if err != nil || created || again.ID != d.ID {
			t.Fatalf("replay: %v %v %v", again.ID, created, err)
		}
		// The key used for someone else is refused, not answered with this dossier.
		other := k.onlineRequest("portal-1", at, comps...)
		other.Applicant.IDNumber = "001090012345"
		if _, _, err := db.SubmitOnline(ctx, other, files(t, comps...)); !failure.Is(err, failure.Conflict) {
			t.Fatalf("reused key: %v", err)
		}
		if n, fs := countRows(t, db); n != 1 || fs != 2 {
			t.Fatalf("after replays: %d dossiers, %d files", n, fs)
		}
		// Refusals leave nothing: a required paper without its file, a file for a paper
		// the procedure does not list, and a failure inside the transaction.
		if _, _, err := db.SubmitOnline(ctx, k.onlineRequest("portal-2", at, "Giấy tờ tùy thân"), files(t, "Giấy tờ tùy thân")); !failure.Is(err, failure.Invalid) {
			t.Fatalf("missing paper: %v", err)
		}
		if _, _, err := db.SubmitOnline(ctx, k.onlineRequest("portal-3", at, "Tờ khai"), files(t, "Tờ khai", "Sổ đỏ")); !failure.Is(err, failure.Invalid) {
			t.Fatalf("unknown paper: %v", err)
		}
		broken := files(t, "Tờ khai")
		broken[0].Data = nil // violates NOT NULL after the dossier row is written
		if _, _, err := db.SubmitOnline(ctx, k.onlineRequest("portal-4", at, "Tờ khai"), broken); err == nil {
			t.Fatal("a failing file insert was accepted")
		}
		if n, fs := countRows(t, db); n != 1 || fs != 2 {
			t.Fatalf("half-stored: %d dossiers, %d files", n, fs)
		}
		// The desk accepts: code of the submission day, clock from the next office period.
		d1 := k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActReceive, At: vnTime(2026, 3, 3, 8, 0)})
		if d1.State != dossier.Received || !strings.HasPrefix(d1.Code, "000.00.41.H29-260302-") {
			t.Fatalf("accepted: %s %s", d1.State, d1.Code)
		}
		if list, _ := db.DossierFiles(ctx, d.ID); len(list) != 2 {
			t.Fatal("files lost at acceptance")
		}
		rep, err := db.VerifyHistory(ctx)
		if err != nil || len(rep.Problems) != 0 {
			t.Fatalf("history: %+v %v", rep.Problems, err)
		}
		if diff, err := db.VerifyRollups(ctx); err != nil || len(diff) != 0 {
			t.Fatalf("rollups: %+v %v", diff, err)
		}
	})
}

// resolve takes a received dossier through the desk's workflow until its result is ready
// at the given time.
func (k desk) resolve(t *testing.T, d dossier.Dossier, at time.Time) dossier.Dossier {
	t.Helper()
	d = k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActForward, At: at})
	d = k.act(t, k.handler, d, dossier.Command{Action: dossier.ActForward, At: at})
	return k.act(t, k.approver, d, dossier.Command{Action: dossier.ActForward, At: at})
}

func (k desk) receive(t *testing.T, at time.Time) dossier.Dossier {
	t.Helper()
	d, err := k.db.Receive(context.Background(), k.receiver, k.request("", at))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRatings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k := newDesk(t, db)
		d1 := k.resolve(t, k.receive(t, vnTime(2026, 2, 5, 9, 0)), vnTime(2026, 2, 6, 9, 0))
		d2 := k.resolve(t, k.receive(t, vnTime(2026, 2, 5, 10, 0)), vnTime(2026, 2, 10, 9, 0))
		rate := func(d dossier.Dossier, l portal.Level, at time.Time) error {
			return db.RateDossier(ctx, &portal.Rating{DossierID: d.ID, Level: l, Comment: "<script>alert(1)</script>", RatedAt: at})
		}
		// Only after the result is returned, once per dossier.
		if err := rate(d1, portal.VerySatisfied, vnTime(2026, 2, 20, 9, 0)); !failure.Is(err, failure.Conflict) {
			t.Fatalf("rating before return: %v", err)
		}
		ret := func(d dossier.Dossier) dossier.Dossier {
			return k.act(t, k.receiver, d, dossier.Command{Action: dossier.ActReturn, Channel: dossier.AtDesk, At: vnTime(2026, 2, 12, 16, 0)})
		}
		d1, d2 = ret(d1), ret(d2)
		if err := rate(d1, portal.VerySatisfied, vnTime(2026, 2, 20, 9, 0)); err != nil {
			t.Fatal(err)
		}
		if err := rate(d1, portal.NotSatisfied, vnTime(2026, 2, 20, 9, 5)); !failure.Is(err, failure.Conflict) {
			t.Fatalf("second rating: %v", err)
		}
		if err := rate(d2, "", time.Time{}); !failure.Is(err, failure.Invalid) {
			t.Fatalf("no level: %v", err)
		}
		if err := rate(d2, portal.NotSatisfied, vnTime(2026, 3, 1, 9, 0)); err != nil {
			t.Fatal(err)
		}
		if ok, err := db.Rated(ctx, d2.ID); err != nil || !ok {
			t.Fatalf("rated: %v %v", ok, err)
		}
		feb, mar := vnTime(2026, 2, 1, 0, 0), vnTime(2026, 3, 1, 0, 0)
		sum, err := db.RatingSummary(ctx, []string{k.commune.Path}, feb, mar)
		if err != nil || sum.Total != 1 || sum.Counts[portal.VerySatisfied] != 1 {
			t.Fatalf("February: %+v %v", sum, err)
		}
		sum, err = db.RatingSummary(ctx, nil, feb, mar.AddDate(0, 1, 0))
		if err != nil || sum.Total != 2 || sum.Rate().Num != 1 || sum.Rate().Den != 2 {
			t.Fatalf("February and March: %+v %v", sum, err)
		}
		if sum, _ := db.RatingSummary(ctx, []string{k.other.Path}, feb, mar.AddDate(0, 1, 0)); sum.Total != 0 {
			t.Fatalf("commune B counts A's ratings: %+v", sum)
		}
		low, err := db.LowRatings(ctx, []string{k.commune.Path}, feb, 10)
		if err != nil || len(low) != 1 || low[0].DossierID != d2.ID || low[0].Code != d2.Code || low[0].UnitName != k.agency.Name ||
			low[0].Comment != "<script>alert(1)</script>" || low[0].Level != portal.NotSatisfied {
			t.Fatalf("low ratings: %+v %v", low, err)
		}
		if low, _ := db.LowRatings(ctx, []string{k.other.Path}, feb, 10); len(low) != 0 {
			t.Fatalf("commune B sees A's low ratings: %+v", low)
		}
	})
}
