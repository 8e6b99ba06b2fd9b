package data

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDefaultCalendarWorkingDays(t *testing.T) {
	c := DefaultCalendar()
	for _, tc := range []struct {
		date string
		work bool
	}{
		{"2026-02-13", true},  // Friday before the Spring Festival
		{"2026-02-14", true},  // Saturday, adjusted working day
		{"2026-02-16", false}, // 除夕 eve, Monday
		{"2026-02-23", false}, // Monday, last day off
		{"2026-02-24", true},
		{"2026-02-28", true}, // Saturday, adjusted working day
		{"2026-03-01", false},
		{"2026-09-20", true}, // Sunday before National Day, working
		{"2026-09-25", false},
		{"2026-10-01", false},
		{"2026-10-07", false},
		{"2026-10-08", true},
		{"2026-10-10", true}, // Saturday after National Day, working
		{"2026-10-11", false},
		{"2027-02-05", false},
		{"2027-02-14", true},
		{"2031-10-01", true}, // beyond the data: an ordinary Wednesday
	} {
		if got := c.IsWorkingDay(day(tc.date)); got != tc.work {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.date, got, tc.work)
		}
	}
	if got := c.HolidayName(day("2026-10-10")); got != "国庆节" {
		t.Errorf("HolidayName(2026-10-10) = %q", got)
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := DefaultCalendar()
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-02", 5, "2026-03-09"}, // ordinary week: Monday + 5 = next Monday
		{"2026-02-12", 5, "2026-02-26"}, // Thu → Fri 13, Sat 14 (调休), Tue 24, Wed 25, Thu 26
		{"2026-09-29", 5, "2026-10-12"}, // Tue → Wed 30, Thu 8, Fri 9, Sat 10 (调休), Mon 12
		{"2026-09-18", 1, "2026-09-20"}, // Friday → Sunday 20 September is a working day
		{"2026-10-09", 1, "2026-10-10"}, // Friday → adjusted Saturday
		{"2026-10-10", 0, "2026-10-10"},
		{"2026-10-12", -2, "2026-10-09"},
		{"2026-02-24", -1, "2026-02-14"},
	} {
		if got := must(c.AddWorkingDays(day(tc.from), tc.n)).Format(time.DateOnly); got != tc.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := DefaultCalendar()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2026-02-13", "2026-02-24", 2},  // Sat 14 (调休) and Tue 24
		{"2026-09-30", "2026-10-10", 3},  // Thu 8, Fri 9, Sat 10
		{"2026-09-19", "2026-09-20", 1},  // Sunday 20 September works
		{"2026-10-10", "2026-09-30", -3}, // Wed 30, Thu 8, Fri 9
		{"2026-10-01", "2026-10-01", 0},
	} {
		if got := must(c.WorkingDaysBetween(day(tc.a), day(tc.b))); got != tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCalendarOverride(t *testing.T) {
	c, err := DefaultCalendar().With([]CalendarDay{{Date: "2026-10-10", Work: false, Name: "市局调整"}, {Date: "2026-03-02", Work: false, Name: "临时停办"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(day("2026-10-10")) || c.IsWorkingDay(day("2026-03-02")) {
		t.Error("override not applied")
	}
	if !DefaultCalendar().IsWorkingDay(day("2026-10-10")) {
		t.Error("With changed the default calendar")
	}
	if _, err := NewCalendar([]CalendarDay{{Date: "2026/10/10"}}); ErrorCode(err) != EINVALID {
		t.Errorf("bad date: %v", err)
	}
}

func TestCalendarUsesShanghaiDate(t *testing.T) {
	// 17:00 UTC on Friday 9 October is 01:00 on Saturday 10 October in
	// Shanghai, an adjusted working day; 17:00 UTC on Saturday 10 October is
	// Sunday in Shanghai.
	c := DefaultCalendar()
	if !c.IsWorkingDay(time.Date(2026, 10, 10, 17, 0, 0, 0, time.UTC).Add(-24 * time.Hour)) {
		t.Error("Saturday 10 October (Shanghai) should be a working day")
	}
	if c.IsWorkingDay(time.Date(2026, 10, 10, 17, 0, 0, 0, time.UTC)) {
		t.Error("Sunday 11 October (Shanghai) should be a day off")
	}
}

func TestWorkingDaysProperties(t *testing.T) {
	c := DefaultCalendar()
	rapid.Check(t, func(t *rapid.T) {
		// Within the years the default calendar knows (2027 its last).
		start := day("2025-01-01").AddDate(0, 0, rapid.IntRange(0, 3*365-70).Draw(t, "offset"))
		n := rapid.IntRange(-40, 40).Draw(t, "n")
		end := must(c.AddWorkingDays(start, n))
		if got := must(c.WorkingDaysBetween(start, end)); got != n {
			t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(·, %d) = %s) = %d", start.Format(time.DateOnly), n, end.Format(time.DateOnly), got)
		}
		if n != 0 && !c.IsWorkingDay(end) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s is not a working day", start.Format(time.DateOnly), n, end.Format(time.DateOnly))
		}
	})
}

// TestCalendarYearWithoutData: a count that reaches a year whose holiday
// arrangement the calendar lacks fails, saying which year to import,
// rather than count it Monday to Friday; with the bureau's import it
// counts over that year's Spring Festival. The bureau is warned from
// 1 November on.
func TestCalendarYearWithoutData(t *testing.T) {
	c := DefaultCalendar()
	if c.HasYear(2028) {
		t.Fatal("the holiday library now knows 2028: move this test to the first year it does not")
	}
	if _, err := c.AddWorkingDays(day("2027-12-27"), 5); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "没有 2028 年的节假日安排") {
		t.Errorf("counting into 2028: %v", err)
	}
	if _, err := c.WorkingDaysBetween(day("2028-01-24"), day("2027-12-31")); ErrorCode(err) != EINVALID {
		t.Errorf("counting back from 2028: %v", err)
	}
	issued := day("2028-01-24")
	if _, err := SupplementDeadline(c, issued); err == nil {
		t.Error("a supplement deadline in 2028 was counted without its calendar")
	}
	var festival []CalendarDay
	for d := day("2028-01-26"); !d.After(day("2028-02-01")); d = d.AddDate(0, 0, 1) {
		festival = append(festival, CalendarDay{Date: d.Format(time.DateOnly), Name: "春节"})
	}
	with, err := c.With(festival)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := SupplementDeadline(with, issued); err != nil || got.Format(time.DateOnly) != "2028-02-07" {
		t.Errorf("deadline of a notice issued 2028-01-24 over Spring Festival: %s %v, want 2028-02-07", got.Format(time.DateOnly), err)
	}
	for _, tc := range []struct {
		cal  *Calendar
		now  string
		year int
	}{{c, "2027-10-31", 0}, {c, "2027-11-01", 2028}, {with, "2027-11-01", 0}, {c, "2028-03-01", 2028}} {
		if year, ok := tc.cal.YearMissing(day(tc.now)); year != tc.year || ok != (tc.year != 0) {
			t.Errorf("YearMissing(%s) = %d %v, want %d", tc.now, year, ok, tc.year)
		}
	}
}

// must is a working-day count of a year the default calendar knows.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
