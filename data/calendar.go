package data

import (
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Shanghai is the zone every date is shown and counted in; times are stored
// in UTC.
var Shanghai = mustLoadLocation("Asia/Shanghai")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}

// CalendarDay is one exception to the Monday–Friday week: a public holiday
// on a weekday (Work false) or an adjusted working day (调休) on a weekend
// (Work true). Date is "2006-01-02".
type CalendarDay struct {
	Date string
	Work bool
	Name string
}

// Calendar answers which days are working days. It is immutable, so one
// value can be shared by every goroutine.
type Calendar struct {
	days  map[int]CalendarDay // keyed by yyyymmdd
	years map[int]bool        // years with the holiday arrangement known
}

// NewCalendar builds a calendar from its exceptions. A later entry for the
// same date wins, which is how the bureau's overrides replace defaults.
func NewCalendar(days []CalendarDay) (*Calendar, error) {
	return (&Calendar{}).With(days)
}

// With returns a calendar with the given days added or replaced. Only the
// new days are parsed: every view of an application asks for the default
// calendar with the bureau's few days on top.
func (c *Calendar) With(days []CalendarDay) (*Calendar, error) {
	out := &Calendar{days: make(map[int]CalendarDay, len(c.days)+len(days)), years: maps.Clone(c.years)}
	if out.years == nil {
		out.years = map[int]bool{}
	}
	maps.Copy(out.days, c.days)
	for _, d := range days {
		t, err := time.ParseInLocation(time.DateOnly, d.Date, Shanghai)
		if err != nil {
			return nil, Errorf(EINVALID, "节假日日期“%s”格式不正确，应为 2006-01-02", d.Date)
		}
		out.days[dayKey(t)] = d
		out.years[t.Year()] = true
	}
	return out, nil
}

// HasYear reports whether the calendar knows year's holiday arrangement:
// any day of it, holiday or adjusted working day, is in the calendar. The
// State Council publishes each year's late in the year before; until the
// bureau imports it, no working day of that year can be counted.
func (c *Calendar) HasYear(year int) bool { return c.years[year] }

// YearMissing is the first year, this one or the next, whose arrangement a
// bureau should have by now and the calendar lacks: the next from
// 1 November on. ok is false when none is missing.
func (c *Calendar) YearMissing(now time.Time) (year int, ok bool) {
	t := now.In(Shanghai)
	if !c.HasYear(t.Year()) {
		return t.Year(), true
	}
	if t.Month() >= time.November && !c.HasYear(t.Year()+1) {
		return t.Year() + 1, true
	}
	return 0, false
}

// noYear is the error of a working-day count that reaches a year the
// calendar lacks: counting it Monday to Friday would print wrong deadlines.
func noYear(year int) error {
	return Errorf(EINVALID, "工作日日历中没有 %d 年的节假日安排，无法计算工作日：请市局导入 %d 年的放假通知（admin calendar-import）并同步", year, year)
}

// Days lists the exceptions in date order, for storing and syncing.
func (c *Calendar) Days() []CalendarDay {
	out := make([]CalendarDay, 0, len(c.days))
	for _, d := range c.days {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	var days []CalendarDay
	// lunar-go's data starts at the end of 2001; asking past its last year
	// (2027 in v1.4.7) just returns nothing, so a newer library version
	// extends the default without a code change.
	for y := 2001; y <= 2100; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			days = append(days, CalendarDay{Date: h.GetDay(), Work: h.IsWork(), Name: h.GetName()})
		}
	}
	c, err := NewCalendar(days)
	if err != nil {
		panic(err) // the library's data is fixed; a bad date is a programming error
	}
	return c
})

// DefaultCalendar is the State Council's holiday arrangement as known to
// github.com/6tail/lunar-go. The bureau overrides it with With.
func DefaultCalendar() *Calendar { return defaultCalendar() }

// dayKey is the Shanghai calendar date of t as yyyymmdd.
func dayKey(t time.Time) int {
	y, m, d := t.In(Shanghai).Date()
	return y*10000 + int(m)*100 + d
}

// Midnight is the start of t's Shanghai calendar date.
func Midnight(t time.Time) time.Time {
	y, m, d := t.In(Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Shanghai)
}

// IsWorkingDay reports whether d's date in Shanghai is a working day.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	if e, ok := c.days[dayKey(d)]; ok {
		return e.Work
	}
	wd := d.In(Shanghai).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// HolidayName is the name of the holiday or adjusted working day on d's
// date, or "" for an ordinary day.
func (c *Calendar) HolidayName(d time.Time) string {
	return c.days[dayKey(d)].Name
}

// AddWorkingDays returns the date (Shanghai midnight) that is n working
// days after d's date, not counting d itself: with n = 5 it is the last day
// of a "5 working days" period. Negative n counts backwards; n = 0 returns
// d's date. A count that reaches a year the calendar lacks fails.
func (c *Calendar) AddWorkingDays(d time.Time, n int) (time.Time, error) {
	day := Midnight(d)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		day = day.AddDate(0, 0, step)
		if !c.HasYear(day.Year()) {
			return time.Time{}, noYear(day.Year())
		}
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day, nil
}

// WorkingDaysBetween counts the working days after a's date up to and
// including b's date, so WorkingDaysBetween(a, AddWorkingDays(a, n)) == n
// for every n. When b is before a it counts, negated, the working days from
// b's date up to but not including a's. A count that reaches a year the
// calendar lacks fails.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) (int, error) {
	from, to, sign := Midnight(a).AddDate(0, 0, 1), Midnight(b), 1
	if to.Before(from) {
		from, to, sign = Midnight(b), Midnight(a).AddDate(0, 0, -1), -1
	}
	n := 0
	for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
		if !c.HasYear(day.Year()) {
			return 0, noYear(day.Year())
		}
		if c.IsWorkingDay(day) {
			n++
		}
	}
	return sign * n, nil
}

// ParseCalendarCSV reads the working-day exceptions of a CSV file as the
// State Council's notice gives them, one per line: date, 0 (a holiday) or
// 1 (a working weekend day), and a name, e.g. 2026-10-01,0,国庆节.
func ParseCalendarCSV(r io.Reader) ([]CalendarDay, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var days []CalendarDay
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return days, nil
		}
		if err != nil {
			return nil, Errorf(EINVALID, "日历第 %d 行无法读取：%v", line, err)
		}
		if len(rec) < 2 || (strings.TrimSpace(rec[1]) != "0" && strings.TrimSpace(rec[1]) != "1") {
			return nil, Errorf(EINVALID, "日历第 %d 行应为“日期,0或1,名称”", line)
		}
		d := CalendarDay{Date: strings.TrimSpace(rec[0]), Work: strings.TrimSpace(rec[1]) == "1"}
		if len(rec) > 2 {
			d.Name = strings.TrimSpace(rec[2])
		}
		days = append(days, d)
	}
}
