package data

import (
	"strings"
	"time"
)

// SMS is a text message to an applicant, queued where a command was
// applied and delivered at least once; DedupeKey makes repeats harmless.
type SMS struct {
	ID            int64
	DedupeKey     string
	Template      string // the action that queued it, e.g. bureau_pass
	ApplicationID string
	Mobile        string
	Text          string
	CreatedAt     time.Time
	Attempts      int
	LastError     string
	NextAt        time.Time // no attempt before this
	SentAt        time.Time // zero until delivered
}

// SMSText fills an SMS template for the application after cmd: the
// application number, the reasons given, the liaison point with its address
// and phone, the supplement deadline and the certificate number.
func SMSText(tmpl string, a *Application, cmd *Command, env Env) string {
	point, address, phone := "所选人才联络点", "地址见申报表", "见申报表"
	if env.Point != nil {
		if p := env.Point(a.LiaisonPointID); p != nil {
			point = p.Name
			if p.Address != "" {
				address = p.Address
			}
			if p.Phone != "" {
				phone = p.Phone
			}
		}
	}
	reasons := strings.Join(cmd.Reasons, "；")
	if reasons == "" {
		reasons = "详见系统"
	}
	deadline, cert, payCode, amount := "", "", "", ""
	if a.Notice != nil {
		payCode, amount = a.Notice.PayCode, a.Notice.Amount.String()
	}
	if !a.SupplementDeadline.IsZero() {
		deadline = a.SupplementDeadline.In(Shanghai).Format("1月2日")
	}
	if a.Certificate != nil {
		cert = a.Certificate.No
	}
	return strings.NewReplacer("{no}", a.No, "{reasons}", reasons, "{point}", point, "{address}", address,
		"{phone}", phone, "{deadline}", deadline, "{cert}", cert,
		"{paycode}", payCode, "{amount}", amount).Replace(tmpl)
}
