package app

import (
	"context"
	"slices"
	"time"

	"titledesk/data"
)

// Queue is one task's list: the statuses it holds, per role. Screens are
// built from this table, not from branches.
type Queue struct {
	Task     string // navigation label
	Role     data.Role
	Statuses []data.Status
}

// Queues are the worklists of DESIGN.md section 6.
var Queues = []Queue{
	{"初审", data.RoleClerk, []data.Status{data.StatusLiaisonReview}},
	{"市局退回", data.RoleClerk, []data.Status{data.StatusBureauRejected}},
	{"现场核验", data.RoleClerk, []data.Status{data.StatusAwaitingPaper, data.StatusPaperDeficient}},
	{"待缴费", data.RoleClerk, []data.Status{data.StatusAwaitingPayment}},
	{"复审", data.RoleBureau, []data.Status{data.StatusBureauReview}},
	{"发证", data.RoleBureau, []data.Status{data.StatusPaid}},
}

// QueueOf is the queue named task for role, nil if there is none.
func QueueOf(role data.Role, task string) *Queue {
	for i := range Queues {
		if Queues[i].Role == role && Queues[i].Task == task {
			return &Queues[i]
		}
	}
	return nil
}

// ActWithin is how many working days the liaison point or bureau has to act
// on an application in its queue, counted from the decision that put it
// there. The guide sets 5 working days for the one-time notice; the same
// span is used for first review and a bureau return (an assumption until
// the bureau publishes its own).
const ActWithin = 5

// deadlines says, per status, when the deadline falls. Statuses not listed
// have none.
var deadlines = map[data.Status]func(s *data.ApplicationSummary, cal *data.Calendar) (time.Time, error){
	data.StatusLiaisonReview:  reviewDeadline,
	data.StatusBureauRejected: reviewDeadline,
	data.StatusBureauReview:   reviewDeadline,
	data.StatusPaperDeficient: func(s *data.ApplicationSummary, _ *data.Calendar) (time.Time, error) {
		return s.SupplementDeadline, nil
	},
}

func reviewDeadline(s *data.ApplicationSummary, cal *data.Calendar) (time.Time, error) {
	if s.ReviewedAt.IsZero() {
		return time.Time{}, nil
	}
	return cal.AddWorkingDays(s.ReviewedAt, ActWithin)
}

// Deadline is an application's next deadline and the working days left
// before it (0 on the day, negative once past). ok is false when its status
// has no deadline, or when the calendar lacks a year to count it in (the
// bureau desk warns of that; see data.Calendar.YearMissing).
func Deadline(s *data.ApplicationSummary, cal *data.Calendar, now time.Time) (at time.Time, left int, ok bool) {
	f := deadlines[s.Status]
	if f == nil {
		return time.Time{}, 0, false
	}
	at, err := f(s, cal)
	if err != nil || at.IsZero() {
		return time.Time{}, 0, false
	}
	if left, err = cal.WorkingDaysBetween(now, at); err != nil {
		return time.Time{}, 0, false
	}
	return at, left, true
}

// Urgent is one application the 工作台 warns about.
type Urgent struct {
	data.ApplicationSummary
	Deadline time.Time
	Left     int // working days; negative when past
}

// Workbench is what the 工作台 shows: the size of each of the role's
// queues and the applications whose deadline is within days working days
// or past, most urgent first.
func (d *Desk) Workbench(ctx context.Context, role data.Role, days int) (counts map[string]int, urgent []Urgent, err error) {
	cal, err := d.Store.Calendar(ctx)
	if err != nil {
		return nil, nil, err
	}
	point := ""
	if dev := d.Device(); dev != nil && dev.Role == data.RoleClerk {
		point = dev.LiaisonPointID
	}
	byStatus, err := d.Store.CountByStatus(ctx, point)
	if err != nil {
		return nil, nil, err
	}
	counts = map[string]int{}
	now := d.Now()
	for _, q := range Queues {
		if q.Role != role {
			continue
		}
		for _, s := range q.Statuses {
			counts[q.Task] += byStatus[s]
		}
		// The oldest rows hold the review deadlines; supplement deadlines
		// have their own index, soonest first.
		f := data.ApplicationFilter{Statuses: q.Statuses, Limit: 200}
		rows, _, err := d.Queue(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		// Without next year's calendar late in a year, the deadlines in it
		// cannot be counted: the oldest rows still show, and the counts.
		var soon []data.ApplicationSummary
		if f.DeadlineBefore, err = cal.AddWorkingDays(now, days+1); err == nil {
			if soon, _, err = d.Queue(ctx, f); err != nil {
				return nil, nil, err
			}
		}
		seen := map[string]bool{}
		for _, r := range append(rows, soon...) {
			at, left, ok := Deadline(&r, cal, now)
			if ok && left <= days && !seen[r.ID] {
				seen[r.ID] = true
				urgent = append(urgent, Urgent{r, at, left})
			}
		}
	}
	slices.SortStableFunc(urgent, func(a, b Urgent) int { return a.Deadline.Compare(b.Deadline) })
	return counts, urgent, nil
}
