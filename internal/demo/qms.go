package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// The QMS of the communes of 2022 (issue 8): a few refused intake attempts under
// procedures not yet in force, as a desk makes them, the nonconformities the automatic
// raising finds in the ten months of dossiers (the late ones, grouped per commune and
// month, and those attempts), and each commune's register of risks and opportunities. The raising is idempotent and its records' IDs derive from
// their keys, so a second load adds nothing; the refusal records get the store's own IDs.

// intakeAttempt is one try at the desk under a procedure that was not in force that day.
type intakeAttempt struct {
	commune string // the commune's 2022 code
	code    string
	at      time.Time
}

// attempts2022 are the demo's refused intake attempts.
var attempts2022 = func() []intakeAttempt {
	at := func(m time.Month, d, h, min int) time.Time {
		return time.Date(2022, m, d, h, min, 0, 0, calendar.Location())
	}
	return []intakeAttempt{
		{"08156", "1.000001.MH", at(time.January, 18, 9, 20)}, // announced, in force from 1 February
		{"08156", "1.000002.MH", at(time.January, 25, 14, 5)},
		{"08179", "1.003554", at(time.May, 10, 10, 0)}, // a procedure of the 2025 catalog
		{"08218", "1.003554", at(time.September, 7, 15, 30)},
	}
}()

// qms2022 records the attempts (once) and raises the nonconformities of January to
// October 2022 for the former district.
func (l *loader) qms2022(ctx context.Context) error {
	district, err := l.db.Unit(ctx, unitID(districtCode, legacyFrom))
	if err != nil {
		return err
	}
	from, to := Period2022()
	have, err := l.db.IntakeRefusals(ctx, store.RefusalFilter{Under: []string{district.Path}, Since: from, Limit: 1000})
	if err != nil {
		return err
	}
	recorded := map[string]bool{}
	for _, r := range have {
		recorded[r.UnitID+"|"+r.Code+"|"+r.At.UTC().Format(time.RFC3339)] = true
	}
	for _, a := range attempts2022 {
		agency := unitID(a.commune+".UBND", legacyFrom)
		if recorded[agency+"|"+a.code+"|"+a.at.UTC().Format(time.RFC3339)] {
			continue
		}
		com, err := l.db.Unit(ctx, unitID(a.commune, legacyFrom))
		if err != nil {
			return err
		}
		receiver := userID("tiepnhan." + slug(com.Name) + ".2022@" + emailDomain)
		if _, err := l.db.ApplicableVersion(ctx, agency, a.code, a.at, receiver); err == nil {
			return fmt.Errorf("intake of %s on %s was not refused", a.code, a.at.Format(time.DateOnly))
		}
	}
	_, err = l.db.RaiseAutomaticNonconformities(ctx, district.ID, qms.Period{First: qms.MonthOf(from),
		Last: qms.MonthOf(to.Add(-time.Second))})
	if err != nil {
		return err
	}
	return l.risks2022(ctx)
}

// demoRisk is an entry of a commune's register of risks and opportunities, with the
// official who owns its treatment (by the word of their login) and, when it was reviewed,
// the review.
type demoRisk struct {
	risk   qms.Risk
	owner  string // "xuly", "iso", "tiepnhan"
	review *qms.RiskReview
}

// risks2022 gives each commune of 2022 its register: the shortage of cadastral officials
// behind late land dossiers (treated, overdue, reviewed or still open, by commune), a
// procedure no longer in force still applied (treated and watched since a review), and
// the opportunity of online submission. A commune that has entries is left as it is.
func (l *loader) risks2022(ctx context.Context) error {
	day := func(m time.Month, d int) unit.Date { return unit.NewDate(2022, m, d) }
	for i, c := range thanhBa2022 {
		com := unitID(c.code, legacyFrom)
		have, err := l.db.Risks(ctx, store.RiskFilter{UnitID: com, Limit: 1})
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue
		}
		land := demoRisk{owner: "xuly", risk: qms.Risk{Kind: qms.KindRisk, Process: "Tiếp nhận, giải quyết hồ sơ đất đai",
			Description: "Hồ sơ trễ hạn do thiếu công chức địa chính",
			Cause:       "Một công chức địa chính phụ trách cả đo đạc, hòa giải và hồ sơ; hồ sơ đất đai tăng vào quý IV",
			Likelihood:  4, Impact: 4, Status: qms.RiskTreating,
			Treatment: "Đề nghị UBND huyện biệt phái thêm công chức địa chính; phân công người làm thay khi vắng mặt",
			DueOn:     day(time.September, 30)}}
		switch i % 3 {
		case 1:
			land.risk.Status = qms.RiskMonitored
			land.review = &qms.RiskReview{ReviewedOn: day(time.October, 20), Likelihood: 2, Impact: 4,
				Note: "Đã có công chức biệt phái từ tháng 9; không còn hồ sơ đất đai trễ hạn trong tháng 10"}
		case 2:
			land.risk.Status, land.risk.Treatment, land.risk.DueOn = qms.RiskOpen, "", unit.Date{}
		}
		stale := demoRisk{owner: "iso", risk: qms.Risk{Kind: qms.KindRisk, Process: "Công khai và áp dụng thủ tục hành chính",
			Description: "Thủ tục hết hiệu lực vẫn được áp dụng",
			Cause:       "Chưa cập nhật kịp quyết định công bố, bãi bỏ thủ tục của Chủ tịch UBND tỉnh",
			Likelihood:  3, Impact: 5, Status: qms.RiskMonitored,
			Treatment: "Thư ký ISO rà soát danh mục thủ tục mỗi tháng theo các quyết định công bố mới; gỡ ngay thủ tục hết hiệu lực",
			DueOn:     day(time.June, 30)},
			review: &qms.RiskReview{ReviewedOn: day(time.July, 15), Likelihood: 2, Impact: 5,
				Note: "Đã rà soát tháng 6 và tháng 7; phần mềm chặn tiếp nhận theo thủ tục hết hiệu lực"}}
		online := demoRisk{owner: "tiepnhan", risk: qms.Risk{Kind: qms.KindOpportunity, Process: "Dịch vụ công trực tuyến",
			Description: "Tăng tỷ lệ hồ sơ nộp trực tuyến", Cause: "Nhiều người dân đã dùng điện thoại thông minh và có tài khoản định danh điện tử",
			Likelihood: 3, Impact: 3, Status: qms.RiskTreating,
			Treatment: "Hướng dẫn người dân nộp trực tuyến ngay tại bộ phận một cửa; niêm yết mã QR cổng dịch vụ công",
			DueOn:     day(time.December, 31)}}
		for _, x := range []demoRisk{land, stale, online} {
			if err := l.risk(ctx, com, c.name, x); err != nil {
				return fmt.Errorf("risks of %s: %w", c.name, err)
			}
		}
	}
	return nil
}

// risk records one entry by the commune's QMS secretary, and its review by the owner.
func (l *loader) risk(ctx context.Context, communeID, name string, x demoRisk) error {
	iso := userID("iso." + slug(name) + ".2022@" + emailDomain)
	x.risk.UnitID = communeID
	if x.risk.Treatment != "" {
		x.risk.OwnerID = userID(x.owner + "." + slug(name) + ".2022@" + emailDomain)
	}
	if err := l.db.CreateRisk(ctx, &x.risk, iso); err != nil {
		return err
	}
	if x.review == nil {
		return nil
	}
	x.review.RiskID = x.risk.ID
	return l.db.ReviewRisk(ctx, x.review, x.risk.OwnerID)
}
