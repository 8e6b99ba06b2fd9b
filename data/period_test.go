package data

import (
	"slices"
	"testing"
	"time"
)

// TestFigures: a month's decisions per point and step: what came in, was
// passed on, went back, and the working days each took from coming in,
// counting a step entered before the month.
func TestFigures(t *testing.T) {
	cal := DefaultCalendar()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, Shanghai) }
	ev := func(id string, a Action, from, to Status, d int) StepEvent {
		return StepEvent{ApplicationID: id, PointID: "p1", Action: a, From: from, To: to, At: day(d)}
	}
	history := [][]StepEvent{
		{ // entered 初审 in October, passed on 3 November (a Tuesday), then 复审 passed on the 10th
			{ApplicationID: "a", PointID: "p1", Action: ActionUnitApprove, From: StatusUnitReview, To: StatusLiaisonReview, At: time.Date(2026, 10, 30, 9, 0, 0, 0, Shanghai)},
			ev("a", ActionLiaisonPass, StatusLiaisonReview, StatusBureauReview, 3),
			ev("a", ActionBureauPass, StatusBureauReview, StatusAwaitingPaper, 10),
		},
		{ // came in and went back in the month
			ev("b", ActionUnitApprove, StatusUnitReview, StatusLiaisonReview, 2),
			ev("b", ActionLiaisonReturn, StatusLiaisonReview, StatusReturnedToApplicant, 4),
		},
		{ // came in, not decided yet
			ev("c", ActionUnitApprove, StatusUnitReview, StatusLiaisonReview, 20),
		},
	}
	figs := Figures(history, day(1), day(1).AddDate(0, 1, 0), cal)["p1"]
	first, second := figs[1], figs[2]
	if first.Received != 2 || first.Passed != 1 || first.Returned != 1 || !slices.Equal(first.Days, []int{2, 2}) || first.PassRate() != 50 {
		t.Errorf("联络点初审: %+v rate %v", first, first.PassRate())
	}
	if second.Received != 1 || second.Passed != 1 || !slices.Equal(second.Days, []int{5}) || second.Percentile(90) != 5 {
		t.Errorf("市局复审: %+v", second)
	}
	// b and c were passed by their units in the month, though they came
	// in before it: no time is known for them.
	if figs[0].Received != 0 || figs[0].Passed != 2 || len(figs[0].Days) != 0 || figs[3].Received != 1 {
		t.Errorf("单位审核 %+v 现场核验 %+v", figs[0], figs[3])
	}
	if (StepFigures{}).PassRate() != -1 || (StepFigures{}).Percentile(50) != -1 {
		t.Error("an empty step")
	}
	if p := (StepFigures{Days: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}); p.Percentile(50) != 5 || p.Percentile(90) != 9 {
		t.Errorf("percentiles %d %d", p.Percentile(50), p.Percentile(90))
	}
}
