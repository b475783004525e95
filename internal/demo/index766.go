package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
)

// The service index of Decision 766 for the district of 2022 (issue 7 part 4) needs what
// the dossiers alone do not hold: the applicants' ratings, and the scores officials enter
// for the indicators the system cannot compute. The demo rates one returned dossier in
// ratingEvery (satisfied or very satisfied: a low rating would raise a QMS nonconformity
// after the demo's nonconformities were raised), the day after its return, and has each
// commune's QMS secretary enter its scores for the ten months with their evidence, marked
// as illustrative. Both are skipped when already there, so a second load adds nothing.

// ratingEvery picks the returned dossiers that get a rating.
const ratingEvery = 40

// demoPick is a stable number from 0 to n-1 for a key.
func demoPick(key string, n uint32) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return h.Sum32() % n
}

// enteredScores are the scores each commune enters, chosen from its index k: complaints
// handled, portal synchronisation, online payments of fee-paying dossiers, reuse of
// digitised data, each within its indicator's points.
func enteredScores(k int) map[string]float64 {
	return map[string]float64{
		"CKMB.2": 5 + float64(k%5)*0.25,
		"TTTT.2": 1.5 + float64(k%4)*0.5,
		"MDHL.2": 6 - float64(k%3)*0.5,
		"MDSH.3": 1 + float64(k%5)*0.5,
	}
}

var enteredEvidence = map[string]string{
	"CKMB.2": "Số liệu minh họa: báo cáo đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia, 10 tháng năm 2022",
	"TTTT.2": "Số liệu minh họa: sổ theo dõi thu phí, lệ phí và thanh toán trực tuyến, 10 tháng năm 2022",
	"MDHL.2": "Số liệu minh họa: sổ tiếp nhận, xử lý phản ánh, kiến nghị, 10 tháng năm 2022",
	"MDSH.3": "Số liệu minh họa: nhật ký khai thác kho dữ liệu số hóa, 10 tháng năm 2022",
}

// index7662022 adds the ratings and the entered scores of 2022.
func (l *loader) index7662022(ctx context.Context) error {
	district, err := l.db.Unit(ctx, unitID(districtCode, legacyFrom))
	if err != nil {
		return err
	}
	from, to := Period2022()
	returned, err := l.db.ListDossiers(ctx, store.DossierFilter{Under: []string{district.Path}, States: []dossier.State{dossier.Returned},
		From: from, To: to})
	if err != nil {
		return err
	}
	for _, d := range returned {
		if demoPick(d.ID, ratingEvery) != 0 || d.ReturnedAt.IsZero() {
			continue
		}
		level := portal.VerySatisfied
		if demoPick("level"+d.ID, 10) < 3 {
			level = portal.Satisfied
		}
		day := calendar.DateOf(d.ReturnedAt).AddDays(1)
		at := day.Start().Add(9*time.Hour + time.Duration(demoPick("at"+d.ID, 480))*time.Minute)
		err := l.db.RateDossier(ctx, &portal.Rating{DossierID: d.ID, Level: level, RatedAt: at})
		if err != nil && !failure.Is(err, failure.Conflict) {
			return fmt.Errorf("rate %s: %w", d.Code, err)
		}
	}
	first := calendar.DateOf(from)
	last := calendar.DateOf(to.Add(-time.Second))
	v, err := l.db.Index766InForce(ctx, unitID(provinceCode, legacyFrom), last)
	if err != nil {
		return err
	}
	enter := func(unitID, who string, scores map[string]float64) error {
		have, err := l.db.Index766Entries(ctx, v.ID, []string{unitID}, first, last)
		if err != nil {
			return err
		}
		for code, score := range scores {
			if _, done := have[unitID][code]; done {
				continue
			}
			in := report.EntryInput{Indicator: code, Score: report.FormatPoints(score), Evidence: enteredEvidence[code]}
			if _, err := l.db.SaveIndex766Entry(ctx, v.ID, unitID, first, last, in, who); err != nil {
				return fmt.Errorf("index 766 entry %s: %w", code, err)
			}
		}
		return nil
	}
	// Each commune's QMS secretary enters its scores; the district's are their mean,
	// entered by the administrator.
	mean := map[string]float64{}
	for k, c := range thanhBa2022 {
		com, err := l.db.Unit(ctx, unitID(c.code, legacyFrom))
		if err != nil {
			return err
		}
		scores := enteredScores(k)
		for code, x := range scores {
			mean[code] += x / float64(len(thanhBa2022))
		}
		if err := enter(com.ID, userID("iso."+slug(com.Name)+".2022@"+emailDomain), scores); err != nil {
			return fmt.Errorf("%s: %w", com.Name, err)
		}
	}
	for code, x := range mean {
		mean[code] = report.Round2(x)
	}
	return enter(district.ID, userID("quantri@"+emailDomain), mean)
}
