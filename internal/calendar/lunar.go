package calendar

import (
	"fmt"
	"math"
	"sort"
	"sync"
)

// vietnamTimeZone is the offset, in hours, at which the Vietnamese lunar
// calendar is computed. New moons and solar terms are placed on the local day
// at UTC+7; China computes at UTC+8, which is why Tết differs in some years.
const vietnamTimeZone = 7

// LunarDate is a date of the Vietnamese lunisolar calendar (âm lịch). Year is
// the Gregorian year in which that lunar year begins (Tết of lunar year 2026
// falls in February 2026); Month runs 1..12 and Leap marks the intercalary
// month (tháng nhuận) that repeats Month.
type LunarDate struct {
	Year  int  `json:"year"`
	Month int  `json:"month"`
	Day   int  `json:"day"`
	Leap  bool `json:"leap,omitempty"`
}

// String formats the lunar date as day/month/year the Vietnamese way, with
// "nhuận" after a leap month, e.g. "10/3/2026" or "1/2 nhuận/2023".
func (l LunarDate) String() string {
	if l.Leap {
		return fmt.Sprintf("%d/%d nhuận/%d", l.Day, l.Month, l.Year)
	}
	return fmt.Sprintf("%d/%d/%d", l.Day, l.Month, l.Year)
}

var (
	heavenlyStems   = [10]string{"Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"}
	earthlyBranches = [12]string{"Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"}
)

// YearName returns the sexagenary (Can Chi) name of the lunar year, such as
// "Bính Ngọ" for 2026, which Vietnamese notices use to name Tết.
func (l LunarDate) YearName() string {
	return heavenlyStems[mod(l.Year+6, 10)] + " " + earthlyBranches[mod(l.Year+8, 12)]
}

// SolarToLunar converts a Gregorian date to the Vietnamese lunar calendar.
func SolarToLunar(d Date) (LunarDate, error) {
	l, err := vietnamLunar().toLunar(d)
	if err != nil {
		return LunarDate{}, fmt.Errorf("solar to lunar: %w", err)
	}
	return l, nil
}

// LunarToSolar converts a Vietnamese lunar date to the Gregorian calendar. It
// rejects months that do not exist (a leap month in a year without it, day 30
// of a 29-day month) and results outside the supported range.
func LunarToSolar(l LunarDate) (Date, error) {
	d, err := vietnamLunar().toSolar(l)
	if err != nil {
		return Date{}, fmt.Errorf("lunar to solar: %w", err)
	}
	return d, nil
}

// LeapMonth returns the leap month of the lunar year (0 if it has none).
func LeapMonth(year int) (int, error) {
	m, err := vietnamLunar().leapMonth(year)
	if err != nil {
		return 0, fmt.Errorf("leap month: %w", err)
	}
	return m, nil
}

// vietnamLunar is the UTC+7 table, built once on first use (about 300 years
// of new moons) and read-only afterwards, so sharing it is safe.
var vietnamLunar = sync.OnceValue(func() *lunarTable { return newLunarTable(vietnamTimeZone) })

// lunarMonth is one lunar month: the local day on which its new moon falls and
// the lunar month it is.
type lunarMonth struct {
	start int32 // day number (days since 1970-01-01) of day 1
	year  int16
	month int8
	leap  bool
}

// lunarTable lists every lunar month covering MinYear..MaxYear in order, so
// that conversions are a binary search or a short scan, not astronomy.
type lunarTable struct {
	months    []lunarMonth
	firstYear int     // lunar year of yearStart[0]
	yearStart []int32 // index into months of month 1 of each lunar year
}

// newLunarTable computes the month table for a time zone given in hours east
// of UTC, following Hồ Ngọc Đức's algorithm: the lunar month containing the
// winter solstice is month 11, and in a 13-month span between two months 11
// the first month without a major solar term is the leap month.
func newLunarTable(tz float64) *lunarTable {
	t := &lunarTable{firstYear: MinYear - 1}
	// Segment y covers the months from month 11 of lunar year y-1 up to (not
	// including) month 11 of lunar year y.
	b11 := lunarMonth11(MinYear-1, tz)
	for y := MinYear; y <= MaxYear+1; y++ {
		a11 := b11
		b11 = lunarMonth11(y, tz)
		t.appendSegment(y, a11, b11, tz)
	}
	t.indexYears()
	return t
}

func (t *lunarTable) appendSegment(y, a11, b11 int, tz float64) {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	n, leapOff := 12, -1
	if b11-a11 > 365 {
		n, leapOff = 13, leapMonthOffset(k, tz)
	}
	for i := 0; i < n; i++ {
		month, leap := i+11, false
		if leapOff >= 0 && i >= leapOff {
			month, leap = i+10, i == leapOff
		}
		if month > 12 {
			month -= 12
		}
		year := y
		if month >= 11 && i < 4 {
			year = y - 1
		}
		start := a11
		if i > 0 {
			start = newMoonDay(k+i, tz)
		}
		t.months = append(t.months, lunarMonth{
			start: int32(start - julianDayOfUnixEpoch),
			year:  int16(year),
			month: int8(month),
			leap:  leap,
		})
	}
}

func (t *lunarTable) indexYears() {
	for i, m := range t.months {
		if m.month == 1 && !m.leap {
			for len(t.yearStart) < int(m.year)-t.firstYear {
				t.yearStart = append(t.yearStart, -1) // lunar year 1899 starts before the table
			}
			t.yearStart = append(t.yearStart, int32(i))
		}
	}
}

// monthLength returns the number of days of month i, or 0 for the last month
// of the table whose end is unknown.
func (t *lunarTable) monthLength(i int) int {
	if i+1 >= len(t.months) {
		return 0
	}
	return int(t.months[i+1].start - t.months[i].start)
}

func (t *lunarTable) toLunar(d Date) (LunarDate, error) {
	if err := d.Validate(); err != nil {
		return LunarDate{}, err
	}
	day := int32(d.dayNumber())
	i := sort.Search(len(t.months), func(i int) bool { return t.months[i].start > day }) - 1
	if i < 0 || t.monthLength(i) == 0 {
		return LunarDate{}, fmt.Errorf("date %s: %w", d, ErrOutOfRange)
	}
	m := t.months[i]
	return LunarDate{Year: int(m.year), Month: int(m.month), Day: int(day-m.start) + 1, Leap: m.leap}, nil
}

func (t *lunarTable) toSolar(l LunarDate) (Date, error) {
	i, err := t.findMonth(l.Year, l.Month, l.Leap)
	if err != nil {
		return Date{}, fmt.Errorf("lunar date %s: %w", l, err)
	}
	n := t.monthLength(i)
	if l.Day < 1 || l.Day > n {
		return Date{}, fmt.Errorf("lunar date %s: the month has %d days: %w", l, n, ErrInvalidDate)
	}
	d := dateFromDayNumber(int(t.months[i].start) + l.Day - 1)
	if err := d.Validate(); err != nil {
		return Date{}, fmt.Errorf("lunar date %s: %w", l, err)
	}
	return d, nil
}

// findMonth returns the index of the given lunar month, scanning at most the
// 13 months from month 1 of that lunar year (months 11 and 12 come after).
func (t *lunarTable) findMonth(year, month int, leap bool) (int, error) {
	if month < 1 || month > 12 {
		return 0, fmt.Errorf("month %d does not exist: %w", month, ErrInvalidDate)
	}
	idx := year - t.firstYear
	if idx < 0 || idx >= len(t.yearStart) {
		return 0, ErrOutOfRange
	}
	start := int(t.yearStart[idx])
	if start < 0 {
		// Lunar year 1899: only its months 11 and 12 are in the table.
		start = 0
	}
	for i := start; i < len(t.months) && i < start+14; i++ {
		m := t.months[i]
		if int(m.year) != year {
			if int(m.year) > year {
				break
			}
			continue
		}
		if int(m.month) == month && m.leap == leap {
			return i, nil
		}
	}
	if leap {
		return 0, fmt.Errorf("year %d has no leap month %d: %w", year, month, ErrInvalidDate)
	}
	return 0, ErrOutOfRange
}

func (t *lunarTable) leapMonth(year int) (int, error) {
	if year < MinYear || year > MaxYear {
		return 0, fmt.Errorf("lunar year %d: %w", year, ErrOutOfRange)
	}
	start := int(t.yearStart[year-t.firstYear])
	for i := start; i < len(t.months) && int(t.months[i].year) <= year; i++ {
		if int(t.months[i].year) == year && t.months[i].leap {
			return int(t.months[i].month), nil
		}
	}
	return 0, nil
}

// julianDayOfUnixEpoch is the Julian day number of 1970-01-01.
const julianDayOfUnixEpoch = 2440588

// newMoon returns the Julian day (with fraction, UT) of the k-th new moon
// after the one of 1900-01-01 (Meeus' series as used by Hồ Ngọc Đức).
func newMoon(k int) float64 {
	kf := float64(k)
	T := kf / 1236.85
	T2 := T * T
	T3 := T2 * T
	const dr = math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*T2 - 0.000000155*T3
	jd1 += 0.00033 * math.Sin((166.56+132.87*T-0.009173*T2)*dr)
	M := 359.2242 + 29.10535608*kf - 0.0000333*T2 - 0.00000347*T3
	Mpr := 306.0253 + 385.81691806*kf + 0.0107306*T2 + 0.00001236*T3
	F := 21.2964 + 390.67050646*kf - 0.0016528*T2 - 0.00000239*T3
	c1 := (0.1734-0.000393*T)*math.Sin(M*dr) + 0.0021*math.Sin(2*dr*M)
	c1 = c1 - 0.4068*math.Sin(Mpr*dr) + 0.0161*math.Sin(dr*2*Mpr)
	c1 -= 0.0004 * math.Sin(dr*3*Mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*F) - 0.0051*math.Sin(dr*(M+Mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(M-Mpr)) + 0.0004*math.Sin(dr*(2*F+M))
	c1 = c1 - 0.0004*math.Sin(dr*(2*F-M)) - 0.0006*math.Sin(dr*(2*F+Mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*F-Mpr)) + 0.0005*math.Sin(dr*(2*Mpr+M))
	var deltaT float64
	if T < -11 {
		deltaT = 0.001 + 0.000839*T + 0.0002261*T2 - 0.00000845*T3 - 0.000000081*T*T3
	} else {
		deltaT = -0.000278 + 0.000265*T + 0.000262*T2
	}
	return jd1 + c1 - deltaT
}

// sunLongitude returns the sun's apparent longitude in radians, in [0, 2π),
// at Julian day jd (UT).
func sunLongitude(jd float64) float64 {
	T := (jd - 2451545.0) / 36525
	T2 := T * T
	const dr = math.Pi / 180
	M := 357.52910 + 35999.05030*T - 0.0001559*T2 - 0.00000048*T*T2
	L0 := 280.46645 + 36000.76983*T + 0.0003032*T2
	DL := (1.914600 - 0.004817*T - 0.000014*T2) * math.Sin(dr*M)
	DL += (0.019993-0.000101*T)*math.Sin(dr*2*M) + 0.000290*math.Sin(dr*3*M)
	L := (L0 + DL) * dr
	return L - 2*math.Pi*math.Floor(L/(2*math.Pi))
}

// sunSector returns which 30° sector (major solar term, trung khí) the sun is
// in at local midnight starting the given Julian day number.
func sunSector(jdn int, tz float64) int {
	return int(math.Floor(sunLongitude(float64(jdn)-0.5-tz/24) / math.Pi * 6))
}

// newMoonDay returns the Julian day number of the local day on which the
// k-th new moon falls.
func newMoonDay(k int, tz float64) int {
	return int(math.Floor(newMoon(k) + 0.5 + tz/24))
}

// lunarMonth11 returns the Julian day number of day 1 of the lunar month that
// contains the winter solstice of Gregorian year y.
func lunarMonth11(y int, tz float64) int {
	off := daysFromCivil(y, 12, 31) + julianDayOfUnixEpoch - 2415021
	k := int(math.Floor(float64(off) / 29.530588853))
	nm := newMoonDay(k, tz)
	if sunSector(nm, tz) >= 9 {
		nm = newMoonDay(k-1, tz)
	}
	return nm
}

// leapMonthOffset returns the position, counted from month 11 (new moon k),
// of the first month that contains no major solar term.
func leapMonthOffset(k int, tz float64) int {
	i := 1
	arc := sunSector(newMoonDay(k+i, tz), tz)
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k+i, tz), tz)
		if arc == last || i >= 14 {
			return i - 1
		}
	}
}

func mod(a, b int) int { return ((a % b) + b) % b }
