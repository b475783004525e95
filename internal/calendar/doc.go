// Package calendar knows which days a Vietnamese People's Committee works
// and computes the deadlines of dossiers: the appointment printed on the
// receipt, the working time elapsed and remaining, and whether a result was
// early, on time or late. It is pure logic (no I/O); the store persists the
// yearly schedules and unit settings and hands them to New.
//
// Every deadline, every "late" flag and every report depends on this
// package, so each rule below is stated once here and tested.
//
// # Time zone
//
// All computations are made in Asia/Ho_Chi_Minh, loaded from the tz database
// embedded with time/tzdata, so hosts without zoneinfo compute the same
// results. Inputs may be in any location; results are in Asia/Ho_Chi_Minh.
// Storage is in UTC (the store's job). Supported years: 1900–2199; anything
// outside returns an error wrapping ErrOutOfRange, never a guess.
//
// # Lunar calendar
//
// SolarToLunar and LunarToSolar implement Hồ Ngọc Đức's astronomical
// algorithm (Meeus' new-moon series and the sun's longitude, on Julian day
// numbers) at UTC+7. Month 11 contains the winter solstice; in a year with
// 13 months between two months 11, the first month without a major solar
// term is the leap month. Computed at UTC+8 the same algorithm gives the
// Chinese calendar, which differs in some years (Tết 1968, 1985, 2007,
// 2030). The whole 1900–2199 month table is computed once per process
// (about 1 ms) and only read afterwards.
//
// # Days off (computed defaults)
//
// Labour Code 2019 Art. 112, with the effective years of its predecessors:
//
//   - 1 January (Tết Dương lịch).
//   - Tết Nguyên đán: the last day of the lunar year (29 or 30 tháng Chạp)
//     and mùng 1–4; before 2014 mùng 1–3 only (4 days; the 2012 Code that
//     made it 5 took effect in May 2013, after Tết 2013).
//   - Giỗ Tổ Hùng Vương, lunar 10/3, from 2007.
//   - 30 April and 1 May.
//   - 2 September, plus from 2021 an adjacent day chosen by the weekday of
//     2/9 as the Prime Minister has done since 2021: Mon→Tue 3/9,
//     Tue→Mon 1/9, Wed→Tue 1/9, Thu→Fri 3/9, Fri→Thu 1/9, Sat→Fri 1/9,
//     Sun→Mon 3/9.
//   - A holiday on a weekly rest day gives a compensatory day (nghỉ bù) on
//     the next day that is neither a rest day nor a holiday (Art. 112(3),
//     the civil-service reading). For Tết since 2014, a Tết day on Saturday
//     is compensated on the working day before the break instead, as the
//     yearly notices have done; this reproduces the 2023 and 2024 breaks.
//
// Years before 1995 (the first Labour Code) get these rules projected
// backwards; the package does not model older law. The rules are defaults:
// each year's official schedule decides.
//
// # Official schedules (overrides)
//
// A Schedule records one year's official notice (Ministry of Home Affairs,
// formerly of Labour): days off added (with names), computed days off
// removed, and make-up working days (ngày làm bù) on Saturdays or Sundays,
// with the deciding documents and a note of what is unverified. The year's
// days off are the computed ones plus the added minus the removed; make-up
// days are worked. Schedules for 2024–2026 ship embedded (OfficialSchedules)
// for the store to load on migrate. A day listed by a schedule is reported
// with Source "official" and its document number; others are "computed".
//
// # Office hours and weekends
//
// Each unit has OfficeHours (default 07:30–11:30 and 13:30–17:00, i.e. 7h30
// of office time per day; any number of ordered, non-overlapping periods,
// each half-open [start, end)) and weekly rest days (default Saturday and
// Sunday).
//
// # Receipt outside office hours
//
// The clock of a dossier starts at receipt if that instant is within an
// office period of a working day; otherwise at the start of the next office
// period (lunch → 13:30; evening, weekend or holiday → 07:30 of the next
// working day). An instant equal to the end of a period is outside it. The
// Rule returned with every appointment says when the clock started and
// whether it was shifted.
//
// # Limits and the appointment
//
// A Limit is one of (see ParseLimit):
//
//   - N working days ("5d"): due on the Nth working day after the day the
//     clock starts, at the same time of day as the clock start (default
//     rule, SameTimeOfDay: received Monday 09:00 + 5 days → next Monday
//     09:00) or, by unit setting, at the close of office of that day
//     (EndOfDay). Fractions of a day are refused: state them in hours.
//   - Working hours ("4h", "1h30m"): that much office time is added from the
//     clock start, period by period; a result that exactly fills a day ends
//     at the close of office (17:00), not at the next opening.
//   - Within the day with a cut-off ("day@15:00"): due at the close of
//     office of the day the clock starts, or of the next working day when the
//     clock starts at or after the cut-off.
//
// # Elapsed and remaining time
//
// WorkingTime counts the office time on working days between two instants;
// Remaining is the working time from now to the due, negative once overdue.
//
// # Timeliness
//
// Classify (DOMAIN.md rule 9): Early when the result is finished on a day
// before the day of the appointment; OnTime when finished on that day by the
// due instant; Late after it. Reports count early and on time together.
//
// # Pauses
//
// While a dossier waits for a financial obligation its clock stops without
// resetting. Extend pushes a due back by the working time of each pause that
// began before the (progressively extended) due; a pause starting after the
// due changes nothing, the dossier being already late. DueWithPauses clips
// pauses to the receipt; WorkingTimeExcluding gives the working time a
// dossier actually consumed. A supplement after receipt is not a pause: it
// restarts the full limit with a new receipt (call Due again).
package calendar
