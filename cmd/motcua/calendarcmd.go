package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/motcua/motcua/internal/calendar"
)

const holidaysSynopsis = `holidays [--json] [--lang vi|en] NĂM/YEAR

Liệt kê các ngày nghỉ trong năm (lễ, Tết, nghỉ bù, hoán đổi) và ngày làm bù,
ghi rõ ngày nào tính theo luật, ngày nào theo lịch chính thức.
Lists a year's days off and make-up working days, marking which are computed
from the Labour Code and which come from the official schedule.

Ví dụ / example: motcua holidays 2026`

const workdaysSynopsis = `workdays [flags] add THỜI-ĐIỂM/INSTANT THỜI-HẠN/LIMIT
       motcua workdays [flags] between A B

Tính hạn trả kết quả và thời gian làm việc theo lịch làm việc (Asia/Ho_Chi_Minh).
Computes appointments and working time on the civil-service calendar.
  THỜI-ĐIỂM / INSTANT: YYYY-MM-DD hoặc/or YYYY-MM-DDTHH:MM (giờ Việt Nam)
  THỜI-HẠN / LIMIT:    5d (ngày làm việc), 4h, 1h30m (giờ làm việc), day@15:00 (trong ngày)

Ví dụ / examples:
  motcua workdays add 2026-02-13T10:00 5d
  motcua workdays between 2026-02-13T10:00 2026-02-27T10:00`

// runHolidays implements `motcua holidays YEAR`: the days off of a year on
// the default civil-service calendar with the shipped official schedules.
func runHolidays(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, usage := calendarFlagSet("holidays", holidaysSynopsis, stdout, stderr)
	asJSON := fs.Bool("json", false, "xuất JSON / print JSON")
	lang := fs.String("lang", "vi", "ngôn ngữ / language: vi, en")
	dsn := fs.String("db", "", "đọc lịch nghỉ đã được quản trị viên cập nhật từ CSDL này / use the schedules recorded in this database (default: the schedules shipped with motcua)")
	pos, err := parseCalendarArgs(fs, usage, args, stdout, stderr)
	if err != nil {
		return err
	}
	if *lang != "vi" && *lang != "en" {
		return fmt.Errorf("holidays: --lang %q: want vi or en", *lang)
	}
	if len(pos) != 1 {
		usage(stderr)
		return errors.New("holidays: give exactly one year, e.g. motcua holidays 2026")
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || year < calendar.MinYear || year > calendar.MaxYear {
		return fmt.Errorf("holidays: year %q: want a year from %d to %d", pos[0], calendar.MinYear, calendar.MaxYear)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	cal, err := holidaysCalendar(ctx, *dsn)
	if err != nil {
		return fmt.Errorf("holidays: %w", err)
	}
	report, err := newHolidayReport(cal, year)
	if err != nil {
		return fmt.Errorf("holidays %d: %w", year, err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	return report.write(stdout, *lang == "en")
}

// holidayReport is the output of `motcua holidays`, also its JSON form.
type holidayReport struct {
	Year          int                 `json:"year"`
	LunarYearName string              `json:"lunar_year_name"`
	DaysOff       []holidayLine       `json:"days_off"`
	WorkingDays   []holidayLine       `json:"working_days"`
	Documents     []calendar.Document `json:"documents"`
	Note          string              `json:"note,omitempty"`
	Weekend       []string            `json:"weekend"`
	Rules         string              `json:"rules"`
	Sources       map[string]int      `json:"sources"`
}

// holidayLine is one listed day.
type holidayLine struct {
	Date      calendar.Date   `json:"date"`
	Weekday   string          `json:"weekday"`
	WeekdayVi string          `json:"weekday_vi"`
	NameVi    string          `json:"name_vi"`
	NameEn    string          `json:"name_en"`
	Kind      calendar.Kind   `json:"kind"`
	Source    calendar.Source `json:"source"`
	Document  string          `json:"document,omitempty"`
}

func newHolidayReport(cal *calendar.Calendar, year int) (*holidayReport, error) {
	days, err := cal.DaysOff(year)
	if err != nil {
		return nil, err
	}
	makeUp, err := cal.MakeUpDays(year)
	if err != nil {
		return nil, err
	}
	r := &holidayReport{
		Year:          year,
		LunarYearName: calendar.LunarDate{Year: year}.YearName(),
		DaysOff:       []holidayLine{},
		WorkingDays:   []holidayLine{},
		Documents:     []calendar.Document{},
		Rules:         "Labour Code 2019 Art. 112; see internal/calendar/doc.go",
		Sources:       map[string]int{},
	}
	for _, w := range cal.Weekend() {
		r.Weekend = append(r.Weekend, w.String())
	}
	for _, d := range days {
		r.DaysOff = append(r.DaysOff, holidayLine{
			Date: d.Date, Weekday: d.Date.Weekday().String(), WeekdayVi: calendar.VietnameseWeekday(d.Date.Weekday()),
			NameVi: d.NameVi, NameEn: d.NameEn, Kind: d.Kind, Source: d.Source, Document: d.Document,
		})
		r.Sources[string(d.Source)]++
	}
	for _, m := range makeUp {
		r.WorkingDays = append(r.WorkingDays, holidayLine{
			Date: m.Date, Weekday: m.Date.Weekday().String(), WeekdayVi: calendar.VietnameseWeekday(m.Date.Weekday()),
			NameVi: m.NameVi, NameEn: m.NameEn, Kind: "make-up", Source: calendar.SourceOfficial, Document: m.Document,
		})
	}
	if s, ok := cal.Schedule(year); ok {
		r.Documents = s.Documents
		r.Note = s.Note
	}
	return r, nil
}

func (r *holidayReport) write(w io.Writer, en bool) error {
	t := pick(en)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, t("Ngày nghỉ năm %d (%s) của cán bộ, công chức, viên chức\n", "Days off in %d (%s) for civil servants\n"), r.Year, r.LunarYearName)
	fmt.Fprintln(tw, t("Ngày\tThứ\tTên\tTên tiếng Anh\tNguồn", "Date\tWeekday\tName (Vietnamese)\tName\tSource"))
	for _, d := range r.DaysOff {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Date.VietnameseString(), weekdayName(d.Date, en), d.NameVi, d.NameEn, sourceLabel(d.Source, d.Document, en))
	}
	if len(r.WorkingDays) > 0 {
		fmt.Fprintln(tw, t("\nNgày làm bù (làm việc dù là ngày nghỉ hằng tuần):", "\nMake-up working days (worked although weekly rest days):"))
		for _, d := range r.WorkingDays {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Date.VietnameseString(), weekdayName(d.Date, en), d.NameVi, d.NameEn, sourceLabel(d.Source, d.Document, en))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, doc := range r.Documents {
		fmt.Fprintf(w, t("Văn bản: %s ngày %s của %s\n", "Document: %s of %s by %s\n"), doc.Number, doc.Date.VietnameseString(), doc.Authority)
	}
	if len(r.Documents) == 0 {
		fmt.Fprintln(w, t("Chưa có lịch chính thức cho năm này: các ngày trên được tính theo Bộ luật Lao động 2019, Điều 112.",
			"No official schedule for this year: the days above are computed from the Labour Code 2019, Art. 112."))
	}
	if r.Note != "" {
		_, err := fmt.Fprintf(w, t("Ghi chú (tiếng Anh): %s\n", "Note: %s\n"), r.Note)
		return err
	}
	return nil
}

// pick returns a chooser between the Vietnamese and the English text.
func pick(en bool) func(vi, en string) string {
	return func(viText, enText string) string {
		if en {
			return enText
		}
		return viText
	}
}

func weekdayName(d calendar.Date, en bool) string {
	if en {
		return d.Weekday().String()
	}
	return calendar.VietnameseWeekday(d.Weekday())
}

func sourceLabel(s calendar.Source, doc string, en bool) string {
	if s == calendar.SourceOfficial {
		return pick(en)("lịch chính thức ", "official ") + doc
	}
	return pick(en)("tính theo luật", "computed")
}

// runWorkdays implements `motcua workdays add INSTANT LIMIT` and `motcua
// workdays between A B` on the default calendar.
func runWorkdays(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, usage := calendarFlagSet("workdays", workdaysSynopsis, stdout, stderr)
	endOfDay := fs.Bool("end-of-day", false, "hạn là cuối giờ làm việc của ngày thứ N / due at the close of office on day N")
	hours := fs.String("hours", calendar.DefaultOfficeHours().String(), "giờ làm việc / office hours")
	asJSON := fs.Bool("json", false, "xuất JSON / print JSON")
	lang := fs.String("lang", "vi", "ngôn ngữ / language: vi, en")
	pos, err := parseCalendarArgs(fs, usage, args, stdout, stderr)
	if err != nil {
		return err
	}
	if *lang != "vi" && *lang != "en" {
		return fmt.Errorf("workdays: --lang %q: want vi or en", *lang)
	}
	if len(pos) != 3 || (pos[0] != "add" && pos[0] != "between") {
		usage(stderr)
		return errors.New("workdays: want `add INSTANT LIMIT` or `between A B`")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	cal, err := workdaysCalendar(*hours, *endOfDay)
	if err != nil {
		return fmt.Errorf("workdays: %w", err)
	}
	out := workdaysOutput{w: stdout, json: *asJSON, en: *lang == "en"}
	if pos[0] == "add" {
		return workdaysAdd(cal, pos[1], pos[2], out)
	}
	return workdaysBetween(cal, pos[1], pos[2], out)
}

type workdaysOutput struct {
	w    io.Writer
	json bool
	en   bool
}

// holidaysCalendar is the national calendar: the shipped schedules, or those stored in
// the database when one is named.
func holidaysCalendar(ctx context.Context, dsn string) (*calendar.Calendar, error) {
	if dsn == "" {
		return calendar.Default()
	}
	db, err := openStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.NationalCalendar(ctx)
}

func workdaysCalendar(hours string, endOfDay bool) (*calendar.Calendar, error) {
	h, err := calendar.ParseOfficeHours(hours)
	if err != nil {
		return nil, err
	}
	schedules, err := calendar.OfficialSchedules()
	if err != nil {
		return nil, err
	}
	rule := calendar.SameTimeOfDay
	if endOfDay {
		rule = calendar.EndOfDay
	}
	return calendar.New(calendar.Config{OfficeHours: h, DayRule: rule, Schedules: schedules})
}

func workdaysAdd(cal *calendar.Calendar, instant, limit string, out workdaysOutput) error {
	received, err := calendar.ParseInstant(instant)
	if err != nil {
		return fmt.Errorf("workdays add: %w", err)
	}
	l, err := calendar.ParseLimit(limit)
	if err != nil {
		return fmt.Errorf("workdays add: %w", err)
	}
	due, rule, err := cal.Due(received, l)
	if err != nil {
		return fmt.Errorf("workdays add: %w", err)
	}
	if out.json {
		return json.NewEncoder(out.w).Encode(struct {
			Received time.Time     `json:"received"`
			Limit    string        `json:"limit"`
			Due      time.Time     `json:"due"`
			Rule     calendar.Rule `json:"rule"`
		}{received, l.String(), due, rule})
	}
	t := pick(out.en)
	text := rule.Vietnamese()
	if out.en {
		text = rule.English()
	}
	_, err = fmt.Fprintf(out.w, "%s %s\n%s %s\n%s %s\n",
		t("Tiếp nhận:", "Received: "), instantLabel(received, out.en),
		t("Hẹn trả:  ", "Due:      "), instantLabel(due, out.en),
		t("Quy tắc:  ", "Rule:     "), text)
	return err
}

func workdaysBetween(cal *calendar.Calendar, a, b string, out workdaysOutput) error {
	from, err := calendar.ParseInstant(a)
	if err != nil {
		return fmt.Errorf("workdays between: %w", err)
	}
	to, err := calendar.ParseInstant(b)
	if err != nil {
		return fmt.Errorf("workdays between: %w", err)
	}
	d, err := cal.WorkingTime(from, to)
	if err != nil {
		return fmt.Errorf("workdays between: %w", err)
	}
	days, err := cal.WorkingDaysBetween(calendar.DateOf(from), calendar.DateOf(to))
	if err != nil {
		return fmt.Errorf("workdays between: %w", err)
	}
	if out.json {
		return json.NewEncoder(out.w).Encode(struct {
			From        time.Time `json:"from"`
			To          time.Time `json:"to"`
			WorkingTime string    `json:"working_time"`
			Minutes     int64     `json:"minutes"`
			WorkingDays int       `json:"working_days"`
		}{from, to, d.String(), int64(d / time.Minute), days})
	}
	vi, en := calendar.FormatWorkingTime(d)
	t := pick(out.en)
	_, err = fmt.Fprintf(out.w, "%s %s → %s\n%s %s\n%s %d\n",
		t("Từ → đến:", "From → to:"), instantLabel(from, out.en), instantLabel(to, out.en),
		t("Thời gian làm việc:", "Working time:"), t(vi, en),
		t("Số ngày làm việc (sau ngày đầu, đến hết ngày cuối):", "Working days (after the first date, up to the last):"), days)
	return err
}

// instantLabel formats an instant as "10:00 Thứ Sáu 13/02/2026".
func instantLabel(t time.Time, en bool) string {
	local := t.In(calendar.Location())
	d := calendar.DateOf(local)
	return local.Format("15:04") + " " + weekdayName(d, en) + " " + d.VietnameseString()
}

// calendarFlagSet returns a flag set and a function that prints its usage.
// Parse errors are not printed by the flag package: they are returned for
// the dispatcher to print, with the usage on stderr; --help prints the usage
// on stdout and returns flag.ErrHelp.
func calendarFlagSet(name, synopsis string, stdout, stderr io.Writer) (*flag.FlagSet, func(io.Writer)) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	show := func(w io.Writer) {
		fmt.Fprintf(w, "Cách dùng / usage: motcua %s\n\nTùy chọn / flags:\n", synopsis)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs, show
}

// parseCalendarArgs parses flags and positional arguments, printing the
// usage where calendarFlagSet says.
func parseCalendarArgs(fs *flag.FlagSet, show func(io.Writer), args []string, stdout, stderr io.Writer) ([]string, error) {
	pos, err := parseInterleaved(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		show(stdout)
		return nil, flag.ErrHelp
	case err != nil:
		show(stderr)
		return nil, fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return pos, nil
}

// parseInterleaved parses flags that may appear before, between or after
// positional arguments ("holidays 2026 --json"), which flag.Parse alone
// does not allow; "--" ends flag parsing.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
