package portal

import (
	"slices"
	"time"

	"titledesk/data"
)

// Step 3 of the guide (用人单位审核, 单位服务 → 个人职称审核管理): the unit
// reviews its applicants' applications, publicises them for at least 5
// working days and approves or rejects.

// unitQueue is what waits for the unit: new submissions and those a
// liaison point returned to it.
var unitQueue = []data.Status{data.StatusUnitReview, data.StatusReturnedToUnit}

func (p *Portal) unitApplications(rq *request) error {
	all := rq.r.URL.Query().Get("all") == "1"
	f := data.ApplicationFilter{UnitID: rq.unit.ID, Statuses: unitQueue, Limit: 200}
	if all {
		// Everything sent to the unit at some time; drafts are the applicant's.
		f.Statuses = slices.DeleteFunc(slices.Clone(data.Statuses), func(s data.Status) bool { return s == data.StatusDraft })
	}
	apps, _, err := p.db.FindApplications(rq.ctx(), f)
	if err != nil {
		return err
	}
	// A withdrawn draft was never sent to the unit.
	apps = slices.DeleteFunc(apps, func(a data.ApplicationSummary) bool { return a.SubmittedAt.IsZero() })
	points, err := p.pointNames(rq)
	if err != nil {
		return err
	}
	p.render(rq, "unit_applications", "个人职称审核管理", map[string]any{"Apps": apps, "All": all, "Points": points}, nil)
	return nil
}

func (p *Portal) unitView(rq *request, app *data.Application) (*applicationView, error) {
	v, err := p.view(rq, app)
	if err != nil {
		return nil, err
	}
	cal, err := p.db.Calendar(rq.ctx())
	if err != nil {
		return nil, err
	}
	// A publicity starting today ends, at the earliest, on the fifth working
	// day counting today when today is one.
	today := data.Midnight(p.Now())
	// Without this year's calendar there is no hint; approving says why.
	v.PublicityHint, _ = cal.AddWorkingDays(today.AddDate(0, 0, -1), data.PublicityWorkingDays)
	v.Reasons, err = p.db.Reasons(rq.ctx(), data.StepReview)
	return v, err
}

func (p *Portal) unitApplication(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	v, err := p.unitView(rq, app)
	if err != nil {
		return err
	}
	p.render(rq, "unit_application", "审核 "+app.Name+" 的申请", v, nil)
	return nil
}

// unitDecision shows a refused decision on the unit's page, keeping what
// was typed.
func (p *Portal) unitDecision(rq *request, app *data.Application, cmd data.Command) error {
	err := p.command(rq, app, cmd)
	if err == nil {
		notice := "approved"
		if cmd.Action == data.ActionUnitReject {
			notice = "rejected"
		}
		return redirect(rq, "/unit/applications", notice)
	}
	if !formError(err) && data.ErrorCode(err) != data.EFORBIDDEN {
		return err
	}
	v, verr := p.unitView(rq, app)
	if verr != nil {
		return verr
	}
	v.Typed = cmd
	p.render(rq, "unit_application", "审核 "+app.Name+" 的申请", v, err)
	return nil
}

func (p *Portal) unitApprove(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	// A date left empty or mistyped stays zero, which the state machine
	// refuses with "请填写公示起止日期".
	start, _ := parseDate(trimmed(rq, "publicity_start"))
	end, _ := parseDate(trimmed(rq, "publicity_end"))
	cmd := data.Command{Action: data.ActionUnitApprove, Opinion: trimmed(rq, "opinion"), Publicity: data.Publicity{Start: start, End: end}}
	return p.unitDecision(rq, app, cmd)
}

func (p *Portal) unitReject(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	cmd := data.Command{Action: data.ActionUnitReject, Reasons: rq.r.PostForm["reason"], Note: trimmed(rq, "note")}
	return p.unitDecision(rq, app, cmd)
}

// parseDate reads a date input (yyyy-mm-dd) as Shanghai midnight.
func parseDate(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, data.Shanghai)
}
