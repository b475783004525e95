package calendar

import (
	"testing"
	"time"
)

// BenchmarkDueWorkingDays measures Due for a 5-working-day limit on a warm
// calendar (year tables built): the dossier engine's hot path.
func BenchmarkDueWorkingDays(b *testing.B) {
	c := defaultCalendar(b)
	received := mustInstant(b, "2026-02-13T10:00")
	limit := mustLimit(b, "5d")
	if _, _, err := c.Due(received, limit); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Due(received, limit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDueWorkingDaysLong crosses a year boundary (60 working days).
func BenchmarkDueWorkingDaysLong(b *testing.B) {
	c := defaultCalendar(b)
	received := mustInstant(b, "2025-11-20T10:00")
	limit := mustLimit(b, "60d")
	if _, _, err := c.Due(received, limit); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Due(received, limit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDueWorkingHours measures a 4-hour limit.
func BenchmarkDueWorkingHours(b *testing.B) {
	c := defaultCalendar(b)
	received := mustInstant(b, "2026-03-09T16:00")
	limit := mustLimit(b, "4h")
	if _, _, err := c.Due(received, limit); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Due(received, limit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddWorkingDays measures the day arithmetic alone, without the
// instant handling and rule text of Due.
func BenchmarkAddWorkingDays(b *testing.B) {
	c := defaultCalendar(b)
	d := mustDate(b, "2026-02-13")
	if _, err := c.AddWorkingDays(d, 5); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.AddWorkingDays(d, 5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorkingTime measures the elapsed working time over a month.
func BenchmarkWorkingTime(b *testing.B) {
	c := defaultCalendar(b)
	from, to := mustInstant(b, "2026-02-02T10:00"), mustInstant(b, "2026-03-02T15:00")
	if _, err := c.WorkingTime(from, to); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.WorkingTime(from, to); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildYear measures building one year's table (statutory rules,
// lunar lookups, official schedule, working-day counts) from a warm lunar
// table, as happens on the first use of a year by a calendar.
func BenchmarkBuildYear(b *testing.B) {
	c := defaultCalendar(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.buildYear(2026); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildLunarTable measures the one-off astronomical computation of
// every lunar month 1900–2199, done once per process.
func BenchmarkBuildLunarTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		newLunarTable(vietnamTimeZone)
	}
}

// BenchmarkSolarToLunar measures one conversion on the warm table.
func BenchmarkSolarToLunar(b *testing.B) {
	d := Date{2026, time.February, 17}
	vietnamLunar()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SolarToLunar(d); err != nil {
			b.Fatal(err)
		}
	}
}
