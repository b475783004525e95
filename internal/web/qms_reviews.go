package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/failure"
	"github.com/motcua/motcua/internal/forms"
	"github.com/motcua/motcua/internal/qms"
	"github.com/motcua/motcua/internal/report"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/unit"
)

// Management reviews (issue 8, part 4): a unit's reviews with the form for a new one, each
// review's page with its inputs gathered from the data, its decisions and actions, and the
// minutes as PDF.

func (s *Server) qmsReviews(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ViewQMS)
	if !ok {
		return
	}
	p := s.qmsPage(r, "qms.reviews", u, "reviews")
	now := s.cfg.Now().In(vnZone)
	year := strconv.Itoa(now.Year())
	p.Form = map[string]string{"title": s.i18n.T(p.Lang, "qms.review_default_title", year),
		"from": year + "-01-01", "to": s.today().String(), "held_on": s.today().String()}
	s.qmsReviewsPage(w, r, http.StatusOK, p, u, acc)
}

func (s *Server) qmsReviewsPage(w http.ResponseWriter, r *http.Request, status int, p *page, u unit.Unit, acc qmsAccess) {
	list, err := s.db.Reviews(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := p.data()
	data["Reviews"], data["Access"] = list, acc
	s.render(w, r, status, "qms_reviews", p)
}

// reviewForm reads a review's meeting fields from the posted form.
func reviewForm(r *http.Request) (qms.ManagementReview, map[string]string, error) {
	form := map[string]string{}
	for _, k := range []string{"title", "from", "to", "held_on", "chair", "participants", "notes"} {
		form[k] = r.PostForm.Get(k)
	}
	rv := qms.ManagementReview{Title: form["title"], Chair: form["chair"], Participants: form["participants"], Notes: form["notes"]}
	var errs failure.List
	for _, f := range []struct {
		name string
		to   *unit.Date
	}{{"from", &rv.From}, {"to", &rv.To}, {"held_on", &rv.HeldOn}} {
		d, err := unit.ParseDate(form[f.name])
		if err != nil {
			errs = append(errs, failure.InvalidField(f.name, "form.date_invalid"))
		}
		*f.to = d
	}
	if len(errs) > 0 {
		rv.Normalize()
		return rv, form, failure.Join(errs.Err(), rv.Validate())
	}
	return rv, form, nil
}

func (s *Server) createQMSReview(w http.ResponseWriter, r *http.Request) {
	u, acc, ok := s.loadQMSUnit(w, r, auth.ManageQMS)
	if !ok || !s.parseForm(w, r) {
		return
	}
	rv, form, err := reviewForm(r)
	rv.UnitID = u.ID
	if err == nil {
		err = s.db.CreateReview(r.Context(), &rv, actor(r).UserID)
	}
	if err != nil {
		s.refusedForm(w, r, err, u, "qms.reviews", "reviews", form, func(status int, p *page) {
			s.qmsReviewsPage(w, r, status, p, u, acc)
		})
		return
	}
	s.flash(r, "qms.review_created", rv.Title)
	http.Redirect(w, r, "/qms/reviews/"+rv.ID, http.StatusSeeOther)
}

// loadQMSReview loads the review in the path for an official with ViewQMS on its unit.
func (s *Server) loadQMSReview(w http.ResponseWriter, r *http.Request) (store.ReviewRow, qmsAccess, bool) {
	rv, err := s.db.Review(r.Context(), r.PathValue("rev"))
	if err != nil {
		s.handleErr(w, r, err)
		return rv, qmsAccess{}, false
	}
	acc := qmsAccessTo(actor(r), rv.UnitPath)
	if !acc.View {
		s.denyRecord(w, r, rv.UnitPath, "qms.review_not_found")
		return rv, acc, false
	}
	return rv, acc, true
}

func (s *Server) showQMSReview(w http.ResponseWriter, r *http.Request) {
	rv, acc, ok := s.loadQMSReview(w, r)
	if !ok {
		return
	}
	s.qmsReviewPage(w, r, http.StatusOK, s.newPage(r, "qms.review"), rv, acc)
}

// reviewFigures are a review's performance and satisfaction as the page shows them.
type reviewFigures struct {
	OnTimeRate, Satisfaction, Received, Resolved, ResolvedLate, CohortLate, InProgress, Overdue, Apologies string
}

func figuresOf(lang string, in qms.ReviewInputs) reviewFigures {
	p := in.Performance
	return reviewFigures{OnTimeRate: rateText(lang, report.Rate{Num: p.OnTime, Den: p.Received}),
		Satisfaction: rateText(lang, report.Rate{Num: int64(in.Satisfaction.Satisfied), Den: int64(in.Satisfaction.Ratings)}),
		Received:     number(lang, p.Received), Resolved: number(lang, p.Resolved), ResolvedLate: number(lang, p.ResolvedLate),
		CohortLate: number(lang, p.CohortLate), InProgress: number(lang, p.InProgress), Overdue: number(lang, p.OverdueOpen),
		Apologies: number(lang, p.Apologies)}
}

func (s *Server) qmsReviewPage(w http.ResponseWriter, r *http.Request, status int, p *page, rv store.ReviewRow, acc qmsAccess) {
	ctx := r.Context()
	u, err := s.db.Unit(ctx, rv.UnitID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	outputs, err := s.db.ReviewOutputs(ctx, rv.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	trail, err := s.qmsTrail(r, "qms_review", rv.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := map[string]any{"Unit": u, "Tab": "reviews", "R": rv, "Access": acc, "Outputs": outputs, "Trail": trail,
		"Figures": figuresOf(p.Lang, rv.Inputs), "Today": s.today(), "Me": actor(r).UserID, "Kinds": qms.OutputKinds,
		"NotesLines": textLines(rv.Notes)}
	if acc.Manage {
		people, _, err := s.qmsPeople(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data["People"] = people
	}
	if p.Form == nil {
		p.Form = map[string]string{"title": rv.Title, "from": rv.From.String(), "to": rv.To.String(),
			"held_on": rv.HeldOn.String(), "chair": rv.Chair, "participants": rv.Participants, "notes": rv.Notes,
			"kind": string(qms.OutputAction)}
	}
	p.Active = "nav.qms"
	p.Title = rv.Title
	p.Data = data
	s.render(w, r, status, "qms_review", p)
}

// reviewStep is a change to a management review (qmsRecord.step); its flash names the
// review.
func (s *Server) reviewStep(w http.ResponseWriter, r *http.Request, allowed func(qmsAccess) bool,
	run func(rv store.ReviewRow, me string) error, flashKey string) {
	qmsRecord[store.ReviewRow, qmsAccess]{load: s.loadQMSReview, reload: s.db.Review, show: s.qmsReviewPage,
		id: func(rv store.ReviewRow) string { return rv.ID }, titleKey: "qms.review", path: "/qms/reviews/",
		flashArgs: func(rv store.ReviewRow) []any { return []any{rv.Title} }}.
		step(s, w, r, allowed, run, flashKey)
}

func (s *Server) updateQMSReview(w http.ResponseWriter, r *http.Request) {
	s.reviewStep(w, r, func(a qmsAccess) bool { return a.Manage }, func(rv store.ReviewRow, me string) error {
		in, _, err := reviewForm(r)
		if err != nil {
			return err
		}
		in.ID = rv.ID
		return s.db.UpdateReview(r.Context(), in, me)
	}, "qms.review_saved")
}

func (s *Server) addQMSReviewOutput(w http.ResponseWriter, r *http.Request) {
	s.reviewStep(w, r, func(a qmsAccess) bool { return a.Manage }, func(rv store.ReviewRow, me string) error {
		due, err := unit.ParseDate(r.PostForm.Get("due_on"))
		if err != nil {
			return failure.InvalidField("due_on", "form.date_invalid")
		}
		o := qms.ReviewOutput{Kind: qms.OutputKind(r.PostForm.Get("kind")), Text: r.PostForm.Get("text"),
			OwnerID: r.PostForm.Get("owner_id"), DueOn: due}
		return s.db.AddReviewOutput(r.Context(), rv.ID, &o, me)
	}, "qms.output_added")
}

func (s *Server) finalizeQMSReview(w http.ResponseWriter, r *http.Request) {
	s.reviewStep(w, r, func(a qmsAccess) bool { return a.Approve }, func(rv store.ReviewRow, me string) error {
		return s.db.FinalizeReview(r.Context(), rv.ID, me)
	}, "qms.review_finalized")
}

// doneQMSReviewOutput marks an action of the review done: by its owner or a manager.
func (s *Server) doneQMSReviewOutput(w http.ResponseWriter, r *http.Request) {
	s.reviewStep(w, r, func(qmsAccess) bool { return true }, func(rv store.ReviewRow, me string) error {
		o, err := s.db.ReviewOutput(r.Context(), r.PathValue("out"))
		if err != nil || o.ReviewID != rv.ID {
			return failure.New(failure.NotFound, "", "qms.review_not_found")
		}
		if o.OwnerID != me && !actor(r).Can(auth.ManageQMS, rv.UnitPath) {
			return failure.New(failure.Forbidden, "", "error.forbidden")
		}
		return s.db.MarkOutputDone(r.Context(), o.ID, me)
	}, "qms.output_done")
}

// qmsReviewMinutes prints the minutes of the review, in Vietnamese as official papers are.
func (s *Server) qmsReviewMinutes(w http.ResponseWriter, r *http.Request) {
	rv, _, ok := s.loadQMSReview(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	h, err := s.headingOf(ctx, rv.UnitID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	outputs, err := s.db.ReviewOutputs(ctx, rv.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names, err := s.db.UserNames(ctx, []string{rv.CreatedBy})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	doc := s.minutesOf(rv, h, outputs, names[rv.CreatedBy])
	s.writeDocument(w, r, "application/pdf", "bien-ban-xem-xet-"+rv.HeldOn.String()+".pdf", doc.WritePDF)
}

// minutesOf lays out the minutes: the meeting, the inputs of clause 9.3.2, the discussion
// and the outputs of clause 9.3.3.
func (s *Server) minutesOf(rv store.ReviewRow, h forms.Heading, outputs []qms.ReviewOutput, secretary string) forms.QMSRecord {
	vi := func(key string, args ...any) string { return s.i18n.T("vi", key, args...) }
	in := rv.Inputs
	f := figuresOf("vi", in)
	held := dayTimeVN(rv.HeldOn)
	rec := forms.QMSRecord{Heading: h, Title: "Biên bản họp xem xét của lãnh đạo", Date: held,
		Lines: []string{rv.Title, fmt.Sprintf("Kỳ xem xét: từ %s đến %s", rv.From.Display(), rv.To.Display())},
		Left:  forms.QMSSigner{Role: "Thư ký", Name: secretary}, Right: forms.QMSSigner{Role: "Chủ trì", Name: rv.Chair}}
	meeting := []string{"Thời gian: ngày " + rv.HeldOn.Display() + ".", "Chủ trì: " + dashIfEmpty(rv.Chair) + "."}
	if rv.Participants != "" {
		meeting = append(meeting, "Thành phần: "+rv.Participants)
	}
	rec.Sections = append(rec.Sections, forms.QMSSection{Title: "I. THÔNG TIN CUỘC HỌP", Paragraphs: meeting})

	prev := []string{}
	for _, a := range in.PreviousActions {
		state := "chưa hoàn thành"
		if a.Done {
			state = "đã hoàn thành"
		}
		prev = append(prev, fmt.Sprintf("%s (%s, hạn %s): %s.", a.Text, dashIfEmpty(a.Owner), a.DueOn.Display(), state))
	}
	if len(prev) == 0 {
		prev = []string{"Không có hành động nào từ lần xem xét trước."}
	}
	objTable := forms.QMSTable{Columns: []forms.QMSColumn{{Header: "Mục tiêu", Weight: 46}, {Header: "Chỉ tiêu", Weight: 14, Align: "C"},
		{Header: "Tháng đạt", Weight: 10, Align: "C"}, {Header: "Tháng không đạt", Weight: 12, Align: "C"},
		{Header: "Kết quả gần nhất", Weight: 18}}}
	for _, o := range in.Objectives {
		objTable.Rows = append(objTable.Rows, []string{o.Title, o.Target, strconv.Itoa(o.Met), strconv.Itoa(o.Missed), o.Last})
	}
	objectives := forms.QMSSection{Title: "II. ĐẦU VÀO XEM XÉT", Paragraphs: []string{"1. Tình trạng các hành động từ lần xem xét trước:"},
		Items: prev}
	rec.Sections = append(rec.Sections, objectives)
	objSection := forms.QMSSection{Title: "2. Mức độ đạt mục tiêu chất lượng", Table: objTable}
	if len(in.Objectives) == 0 {
		objSection.Paragraphs = []string{"Đơn vị chưa thiết lập mục tiêu chất lượng cho kỳ này."}
	}
	rec.Sections = append(rec.Sections, objSection,
		forms.QMSSection{Title: "3. Kết quả giải quyết thủ tục hành chính", Items: []string{
			"Hồ sơ tiếp nhận trong kỳ: " + f.Received + "; tỷ lệ giải quyết trước hạn và đúng hạn: " + f.OnTimeRate + ".",
			"Hồ sơ tiếp nhận trong kỳ giải quyết quá hạn: " + f.CohortLate + "; hồ sơ có kết quả trong kỳ: " + f.Resolved +
				", trong đó quá hạn: " + f.ResolvedLate + "; văn bản xin lỗi: " + f.Apologies + ".",
			"Hồ sơ đang giải quyết cuối kỳ: " + f.InProgress + ", trong đó quá hạn: " + f.Overdue + ".",
			fmt.Sprintf("Thủ tục hết hiệu lực vẫn đang công khai: %d.", in.Performance.StaleProcedure)}},
		forms.QMSSection{Title: "4. Sự hài lòng của người dân", Items: []string{
			fmt.Sprintf("Số đánh giá: %d; tỷ lệ hài lòng: %s; đánh giá không hài lòng: %d.", in.Satisfaction.Ratings, f.Satisfaction,
				in.Satisfaction.Low)}})
	ncItems := []string{fmt.Sprintf("Điểm không phù hợp chưa đóng: %d, trong đó hành động khắc phục quá hạn: %d; đã đóng trong kỳ: %d; đã loại bỏ: %d.",
		in.NCs.Open, in.NCs.Overdue, in.NCs.Closed, in.NCs.Dismissed)}
	for _, c := range in.NCs.Raised {
		ncItems = append(ncItems, fmt.Sprintf("Phát sinh trong kỳ — %s: %d.", vi("qms.source_"+string(c.Source)), c.N))
	}
	audits := []string{fmt.Sprintf("Cuộc đánh giá trong kỳ: %d, đã hoàn thành: %d.", in.Audits.Plans, in.Audits.Done)}
	for _, res := range qms.AuditResults {
		if n := in.Audits.Findings[res]; n > 0 {
			audits = append(audits, fmt.Sprintf("%s: %d.", vi("qms.audit_result_"+string(res)), n))
		}
	}
	rec.Sections = append(rec.Sections,
		forms.QMSSection{Title: "5. Sự không phù hợp và hành động khắc phục", Items: ncItems},
		forms.QMSSection{Title: "6. Kết quả đánh giá nội bộ", Items: audits},
		forms.QMSSection{Title: "7. Tài liệu của hệ thống", Items: []string{fmt.Sprintf(
			"Tài liệu đang hiệu lực: %d; đến hạn xem xét lại: %d; lượt chưa xác nhận đã đọc: %d.",
			in.Documents.Current, in.Documents.ReviewDue, in.Documents.Unread)}},
		forms.QMSSection{Title: "8. Rủi ro và cơ hội", Items: []string{fmt.Sprintf(
			"Rủi ro chưa đóng: %d; cơ hội chưa đóng: %d; ở mức cao: %d; biện pháp xử lý quá hạn: %d; được xem xét trong kỳ: %d; đã đóng: %d.",
			in.Risks.Risks, in.Risks.Opportunities, in.Risks.High, in.Risks.Overdue, in.Risks.Reviewed, in.Risks.Closed)}})
	notes := textLines(rv.Notes)
	if len(notes) == 0 {
		notes = []string{"Không ghi nhận."}
	}
	rec.Sections = append(rec.Sections, forms.QMSSection{Title: "III. NỘI DUNG THẢO LUẬN", Paragraphs: notes})
	out := forms.QMSTable{Columns: []forms.QMSColumn{{Header: "TT", Weight: 6, Align: "C"}, {Header: "Nội dung", Weight: 46},
		{Header: "Loại", Weight: 14}, {Header: "Người thực hiện", Weight: 18}, {Header: "Hạn", Weight: 16, Align: "C"}}}
	for _, o := range outputs {
		out.Rows = append(out.Rows, []string{strconv.Itoa(o.Seq), o.Text, vi("qms.output_" + string(o.Kind)), o.OwnerName, o.DueOn.Display()})
	}
	concl := forms.QMSSection{Title: "IV. KẾT LUẬN (ĐẦU RA XEM XÉT)", Table: out}
	if len(outputs) == 0 {
		concl.Paragraphs = []string{"Không có quyết định, hành động nào."}
	}
	rec.Sections = append(rec.Sections, concl)
	return rec
}

// headingOf is the heading of a unit's papers (formHeading) from its ID.
func (s *Server) headingOf(ctx context.Context, unitID string) (forms.Heading, error) {
	u, err := s.db.Unit(ctx, unitID)
	if err != nil {
		return forms.Heading{}, err
	}
	return s.formHeading(ctx, u)
}

// dayTimeVN is 08:00 of a day in Vietnam (a meeting's day on its minutes).
func dayTimeVN(d unit.Date) time.Time {
	t, _ := time.ParseInLocation(unit.DateLayout, d.String(), vnZone)
	return t.Add(8 * time.Hour)
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
