package data

import (
	"slices"
	"strconv"
	"time"
)

// StepDef is a stage of the workflow where someone decides, for the
// statistics by period: the statuses an application waits in there, and
// the decisions that pass it on or send it back (or end it).
type StepDef struct {
	Name         string
	Waiting      []Status
	Pass, Return []Action
}

// Steps are the stages counted, in workflow order.
var Steps = []StepDef{
	{"单位审核", []Status{StatusUnitReview, StatusReturnedToUnit}, []Action{ActionUnitApprove}, []Action{ActionUnitReject}},
	{"联络点初审", []Status{StatusLiaisonReview}, []Action{ActionLiaisonPass}, []Action{ActionLiaisonReturn}},
	{"市局复审", []Status{StatusBureauReview}, []Action{ActionBureauPass}, []Action{ActionBureauReject}},
	{"现场核验", []Status{StatusAwaitingPaper, StatusPaperDeficient}, []Action{ActionPaperAccept}, []Action{ActionPaperDeficient, ActionPaperReject, ActionPaperExpire}},
	{"发证", []Status{StatusPaid}, []Action{ActionCertify}, []Action{ActionRefund}},
}

// StepFigures are one step's figures for a point in a period: what came in,
// what was passed on and what sent back or ended there, and how many
// working days each decision took from the application's coming in.
type StepFigures struct {
	Received, Passed, Returned int
	Days                       []int // per decision, sorted
}

// PassRate is the share passed of those decided, in percent; -1 when none was.
func (f StepFigures) PassRate() float64 {
	if f.Passed+f.Returned == 0 {
		return -1
	}
	return 100 * float64(f.Passed) / float64(f.Passed+f.Returned)
}

// Percentile is the p-th percentile of the days taken (nearest rank); -1
// when nothing was decided.
func (f StepFigures) Percentile(p float64) int {
	if len(f.Days) == 0 {
		return -1
	}
	i := int(float64(len(f.Days))*p/100+0.999999) - 1
	return f.Days[min(max(i, 0), len(f.Days)-1)]
}

// StepEvent is one decision of the history, as the statistics read it.
type StepEvent struct {
	ApplicationID, PointID string
	Action                 Action
	From, To               Status
	At                     time.Time
}

// Figures sums a period's decisions per point and step. history holds,
// per application in seq order, its decisions up to the period's end;
// those before from only tell when an application came into a step.
func Figures(history [][]StepEvent, from, to time.Time, cal *Calendar) map[string][]StepFigures {
	out := map[string][]StepFigures{}
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	for _, events := range history {
		entered := map[int]time.Time{} // step → when the application came into it
		for _, e := range events {
			for i, st := range Steps {
				waitingTo, waitingFrom := slices.Contains(st.Waiting, e.To), slices.Contains(st.Waiting, e.From)
				if !in(e.At) {
					if waitingTo && !waitingFrom {
						entered[i] = e.At
					}
					continue
				}
				figs := out[e.PointID]
				if figs == nil {
					figs = make([]StepFigures, len(Steps))
					out[e.PointID] = figs
				}
				f := &figs[i]
				if waitingTo && !waitingFrom {
					f.Received++
					entered[i] = e.At
				}
				pass, back := slices.Contains(st.Pass, e.Action), slices.Contains(st.Return, e.Action)
				if !waitingFrom || !(pass || back) {
					continue
				}
				if pass {
					f.Passed++
				} else {
					f.Returned++
				}
				if since, ok := entered[i]; ok {
					if n, err := cal.WorkingDaysBetween(since, e.At); err == nil {
						f.Days = append(f.Days, n)
					}
				}
			}
		}
	}
	for _, figs := range out {
		for i := range figs {
			slices.Sort(figs[i].Days)
		}
	}
	return out
}

// StepRows are a period's figures per point (in the order given) and step:
// 收到, 通过, 退回或不予受理, 通过率, 用时 in working days; header first,
// each step's totals last. One shape for the desk's 统计, the console and
// their exports.
func StepRows(points []LiaisonPoint, figs map[string][]StepFigures) [][]string {
	rows := [][]string{{"人才联络点", "环节", "收到", "通过", "退回或不予受理", "通过率", "用时中位数（工作日）", "90%用时（工作日）"}}
	all := make([]StepFigures, len(Steps))
	row := func(point string, i int, f StepFigures) []string {
		rate := "—"
		if r := f.PassRate(); r >= 0 {
			rate = strconv.FormatFloat(r, 'f', 1, 64) + "%"
		}
		days := func(p float64) string {
			if n := f.Percentile(p); n >= 0 {
				return strconv.Itoa(n)
			}
			return "—"
		}
		return []string{point, Steps[i].Name, strconv.Itoa(f.Received), strconv.Itoa(f.Passed), strconv.Itoa(f.Returned), rate, days(50), days(90)}
	}
	for _, p := range points {
		for i, f := range figs[p.ID] {
			if f.Received+f.Passed+f.Returned == 0 {
				continue
			}
			rows = append(rows, row(p.Name, i, f))
			all[i].Received, all[i].Passed, all[i].Returned = all[i].Received+f.Received, all[i].Passed+f.Passed, all[i].Returned+f.Returned
			all[i].Days = append(all[i].Days, f.Days...)
		}
	}
	for i := range all {
		slices.Sort(all[i].Days)
		rows = append(rows, row("合计", i, all[i]))
	}
	return rows
}
