package demo

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/procedure"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
	"github.com/motcua/motcua/internal/user"
	"github.com/motcua/motcua/internal/vn"
)

// Playing the plans through the engine's rules and writing them, commune by commune.

// refusalReasons are written on the refusal slips.
var refusalReasons = []string{
	"Yêu cầu không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã",
	"Giấy tờ xuất trình là bản chụp, không có bản chính để đối chiếu",
	"Người yêu cầu không xuất trình được giấy tờ tùy thân còn giá trị sử dụng",
	"Văn bản yêu cầu chứng thực có nội dung trái pháp luật",
}

// write plays commune c's dossiers and refusals and imports them in one transaction.
func (g *dossierGen) write(ctx context.Context, c *dossierCommune, all []*arrival) (int, error) {
	batch := make([]*store.BulkDossier, 0, c.received+c.refusals)
	for _, a := range all {
		if a.com != c {
			continue
		}
		b, err := g.play(a)
		if err != nil {
			return 0, err
		}
		batch = append(batch, b)
	}
	refused, err := g.refusals(c)
	if err != nil {
		return 0, err
	}
	batch = append(batch, refused...)
	if err := g.db.ImportDossiers(ctx, batch); err != nil {
		return 0, err
	}
	return len(batch), nil
}

// play receives (or takes the submission of) a's dossier and applies its planned actions
// up to the end of the period, then checks it stands as planned.
func (g *dossierGen) play(a *arrival) (*store.BulkDossier, error) {
	c, cal := a.com, a.com.cal
	people := rand.New(rand.NewPCG(dossierSeed+2, uint64(a.g)))
	req := g.request(people, c, a.v, a.channel, a.at)
	opts := rowIDs(uint64(a.g))
	var (
		b   *store.BulkDossier
		err error
	)
	if a.channel == dossier.Online {
		b, err = store.NewBulkSubmission(c.agency, a.v, req, opts)
	} else {
		b, err = store.NewBulkDossier(cal, c.agency, a.v, a.wf, req, c.officials[user.Receiver], opts)
	}
	if err != nil {
		return nil, fmt.Errorf("%s of %s: %w", a.v.Code, a.at.Format(time.DateTime), err)
	}
	for _, x := range a.plan.acts {
		if !x.at.Before(g.to) {
			break
		}
		if x.accept {
			err = b.Accept(cal, a.wf, x.at, x.by)
		} else {
			cmd := x.cmd
			cmd.At = x.at
			err = b.Act(cal, cmd, x.by)
		}
		if err != nil {
			return nil, fmt.Errorf("%s of %s, %s at %s: %w", a.v.Code, a.at.Format(time.DateTime), x.cmd.Action,
				x.at.Format(time.DateTime), err)
		}
	}
	if !stands(b.Dossier, a.plan.class) {
		d := b.Dossier
		return nil, fmt.Errorf("%s of %s ends %s/%s, planned %d", a.v.Code, a.at.Format(time.DateTime), d.State, d.Timeliness, a.plan.class)
	}
	return b, nil
}

// stands reports whether d ends the period as planned.
func stands(d dossier.Dossier, class outcome) bool {
	switch class {
	case onTime:
		return !d.ResolvedAt.IsZero() && (d.Timeliness == "early" || d.Timeliness == "on_time")
	case late:
		return d.Timeliness == "late"
	case inProgress:
		return d.State.Open()
	case stopped:
		return d.State == dossier.Stopped
	case withdrawn:
		return d.State == dossier.Withdrawn
	}
	return false
}

// refusals draws commune c's refusals at intake: at the desk, or of an online submission
// the next office hour. They are not received and get no code.
func (g *dossierGen) refusals(c *dossierCommune) ([]*store.BulkDossier, error) {
	rng := rand.New(rand.NewPCG(dossierSeed+4, uint64(c.idx)))
	var out []*store.BulkDossier
	for i := range c.refusals {
		stream := uint64(10_000_000 + c.idx*10_000 + i)
		people := rand.New(rand.NewPCG(dossierSeed+2, stream))
		day := g.days[sort.SearchFloat64s(g.cumWeight, rng.Float64()*g.cumWeight[len(g.cumWeight)-1])]
		if day == g.days[len(g.days)-1] {
			day = g.days[len(g.days)-2]
		}
		p := g.pickProcedure(rng, day)
		v, _ := p.VersionOn(unit.NewDate(day.Year, day.Month, day.Day))
		at := officeMoment(rng, c.cal, day)
		reason := pick(rng, refusalReasons)
		opts := rowIDs(stream)
		if v.Online == procedure.OnlineNone || rng.Float64() >= 0.2 {
			b, err := store.NewBulkRefusal(c.agency, p.Latest(), g.request(people, c, v, dossier.AtDesk, at), reason,
				c.officials[user.Receiver], opts)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
			continue
		}
		b, err := store.NewBulkSubmission(c.agency, v, g.request(people, c, v, dossier.Online, at), opts)
		if err != nil {
			return nil, err
		}
		seen, err := c.cal.AddWorkingTime(at, time.Duration(10+rng.IntN(80))*time.Minute)
		if err != nil {
			return nil, err
		}
		if err := b.Act(c.cal, dossier.Command{Action: dossier.ActRefuse, Reason: reason, At: seen}, c.officials[user.Receiver]); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// request is what the desk takes in: the applicant, the papers (the required ones and
// some optional ones; online all digitised, at the desk more and more through the year),
// and how the fees were paid.
func (g *dossierGen) request(rng *rand.Rand, c *dossierCommune, v procedure.Version, ch dossier.Channel, at time.Time) store.IntakeRequest {
	m := float64(at.In(calendar.Location()).Month() - 1)
	req := store.IntakeRequest{UnitID: c.agency.ID, ProcedureCode: v.Code, Channel: ch, At: at,
		Applicant: applicant(rng, c, v, ch, at)}
	for _, comp := range v.Components {
		if !comp.Required && rng.Float64() >= 0.25 {
			continue
		}
		req.Components = append(req.Components, dossier.Component{Name: comp.Name, Received: true,
			Digitised: ch == dossier.Online || rng.Float64() < 0.35+0.05*m})
	}
	var fee int64
	for _, f := range v.Fees {
		fee += f.Amount
	}
	switch u := rng.Float64(); {
	case fee == 0:
		req.Payment = dossier.NoFee
	case ch == dossier.Online:
		req.Payment = dossier.PaidOnline
		if u < 0.25 {
			req.Payment = dossier.PaidTransfer
		}
	case ch == dossier.ByPost:
		req.Payment = dossier.PaidTransfer
	case u < 0.03+0.01*m:
		req.Payment = dossier.PaidOnline
	case u < 0.10+0.01*m:
		req.Payment = dossier.PaidTransfer
	default:
		req.Payment = dossier.PaidCash
	}
	return req
}

// Applicants: invented people of the commune (most born in Phú Thọ, code 025) and a few
// organisations asking for certifications.
var (
	birthPlaces  = []string{"001", "015", "019", "026", "027", "030", "037"}
	phonePrefix  = []string{"091", "094", "098", "097", "096", "086", "088", "033", "035", "037", "039", "070", "079", "081", "083"}
	organisation = []string{"Công ty TNHH Chè %s", "Hợp tác xã Nông nghiệp %s", "Công ty cổ phần Xây dựng %s",
		"Công ty TNHH Thương mại và Dịch vụ %s", "Trường Mầm non %s"}
)

func applicant(rng *rand.Rand, c *dossierCommune, v procedure.Version, ch dossier.Channel, at time.Time) dossier.Applicant {
	place := strings.TrimPrefix(strings.TrimPrefix(c.name, "Xã "), "Thị trấn ")
	a := dossier.Applicant{Kind: dossier.Person,
		Address: fmt.Sprintf("Khu %d, %s, huyện Thanh Ba, tỉnh Phú Thọ", 1+rng.IntN(12), lowerFirst(c.name)),
		Phone:   fmt.Sprintf("%s%07d", pick(rng, phonePrefix), rng.IntN(10_000_000))}
	female := rng.IntN(2) == 1
	name := personName(rng, female)
	if v.Code == "2.000908" || v.Code == "2.000884" {
		if rng.Float64() < 0.04 {
			a.Kind, a.Name, a.IDNumber, a.Representative = dossier.Organisation, fmt.Sprintf(pick(rng, organisation), place), taxCode(rng), name
			return a
		}
	}
	born := at.Year() - 18 - rng.IntN(62)
	sex := 0
	if female {
		sex = 1
	}
	if born >= 2000 {
		sex += 2
	}
	province := "025"
	if rng.Float64() < 0.1 {
		province = pick(rng, birthPlaces)
	}
	a.Name, a.IDNumber = name, fmt.Sprintf("%s%d%02d%06d", province, sex, born%100, rng.IntN(1_000_000))
	if ch == dossier.Online && rng.Float64() < 0.5 {
		a.Email = fmt.Sprintf("%s%02d@example.com", strings.ReplaceAll(vn.Fold(name), " ", ""), born%100)
	}
	return a
}

// personName draws a Vietnamese name from the lists of names.go.
func personName(rng *rand.Rand, female bool) string {
	family := pick(rng, familyNames)
	if female {
		return family + " " + pick(rng, femaleMiddle) + " " + pick(rng, femaleGiven)
	}
	return family + " " + pick(rng, maleMiddle) + " " + pick(rng, maleGiven)
}

// taxCode draws a valid 10-digit tax code of Phú Thọ (26…) with its check digit.
func taxCode(rng *rand.Rand) string {
	weights := [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	for {
		digits := fmt.Sprintf("26%07d", rng.IntN(10_000_000))
		sum := 0
		for i, w := range weights {
			sum += int(digits[i]-'0') * w
		}
		if check := 10 - sum%11; check < 10 {
			return fmt.Sprintf("%s%d", digits, check)
		}
	}
}

// lookupAlphabet is the store's alphabet of look-up secrets (no 0/O, 1/I/L).
const lookupAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// rowIDs gives a dossier's rows deterministic IDs, time-ordered like UUIDv7 (the time of
// the row, then bits of the dossier's own stream), and its look-up secret.
func rowIDs(stream uint64) store.BulkOptions {
	rng := rand.New(rand.NewPCG(dossierSeed+3, stream))
	secret := make([]byte, 8)
	for i := range secret {
		secret[i] = lookupAlphabet[rng.IntN(len(lookupAlphabet))]
	}
	return store.BulkOptions{Secret: string(secret), NewID: func(at time.Time) string {
		var u uuid.UUID
		ms := uint64(at.UnixMilli())
		for i := range 6 {
			u[i] = byte(ms >> (40 - 8*i))
		}
		binary.BigEndian.PutUint16(u[6:], uint16(rng.Uint64()))
		binary.BigEndian.PutUint64(u[8:], rng.Uint64())
		u[6] = u[6]&0x0f | 0x70
		u[8] = u[8]&0x3f | 0x80
		return u.String()
	}}
}
