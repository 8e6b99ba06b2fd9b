package portal

import (
	"titledesk/data"
)

// messagesShown bounds the 站内消息 listed.
const messagesShown = 100

// message is one 站内消息: the SMS of a step, sent or not, with the
// application it is about.
type message struct {
	data.SMS
	AppNo, AppID string
}

// messages is 站内消息: every message sent to the applicant (about their
// applications) or to the unit (about its applicants'), newest first, as
// the SMS went out; a unit whose contact has no mobile reads them here.
func (p *Portal) messages(rq *request) error {
	f := data.ApplicationFilter{ApplicantID: rq.account.ID, Limit: 200}
	party := data.PartyApplicant
	if rq.account.Role == data.RoleUnit {
		f, party = data.ApplicationFilter{UnitID: rq.unit.ID, Limit: 200}, data.PartyUnit
	}
	apps, _, err := p.db.FindApplications(rq.ctx(), f)
	if err != nil {
		return err
	}
	ids, nos := make([]string, len(apps)), map[string]string{}
	for i, a := range apps {
		ids[i], nos[a.ID] = a.ID, a.No
	}
	sms, err := p.db.MessagesFor(rq.ctx(), ids, party, messagesShown)
	if err != nil {
		return err
	}
	out := make([]message, len(sms))
	for i, m := range sms {
		out[i] = message{m, nos[m.ApplicationID], m.ApplicationID}
	}
	p.render(rq, "messages", "站内消息", map[string]any{"Messages": out, "Unit": party == data.PartyUnit}, nil)
	return nil
}
