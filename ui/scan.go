package ui

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"

	"titledesk/app"
	"titledesk/data"
)

// verdictColors say a seal's verdict in colour as well as in words.
var verdictColors = map[app.SealStatus]color.Color{
	app.SealGenuine: colorGood, app.SealForged: colorBad, app.SealStale: colorWarn, app.SealUnknownKey: colorWarn, app.SealNoRecord: colorWarn,
	app.SealRevoked: colorBad, app.SealUnreadable: colorWarn,
}

// scan handles what the scan box received: a scanner types a QR payload
// and Enter, a clerk types an application number. A payload's verdict is
// shown first; a genuine form at the counter opens the counter check.
func (s *Shell) scan(text string) {
	s.ScanBox.SetText("")
	s.leaveApplicant()
	res, err := s.ws.Desk.Scan(s.ws.ctx, text)
	if err != nil {
		s.setBanner(&bannerText{data.ErrorMessage(err), colorBad})
		return
	}
	s.setBanner(nil)
	if v := res.Verdict; v != nil {
		s.setBanner(&bannerText{v.Message, verdictColors[v.Status]})
	}
	if res.View == nil {
		return
	}
	// A genuine form opens the counter check where the clerk may take the
	// papers now.
	v := res.Verdict
	s.openApplication(res.View, v != nil && v.Status == app.SealGenuine && v.Payload.Kind == data.DocForm)
}

// openApplication shows the application's detail and, when check asks for
// it and the state machine lets the clerk take the papers now, its counter
// check over it (returned, else nil).
func (s *Shell) openApplication(v *app.View, check bool) *counterCheck {
	d := newDetail(s, v)
	s.push(d.screen())
	if check && slices.ContainsFunc(v.Actions, func(t data.Transition) bool { return t.Action == data.ActionPaperAccept }) {
		return d.openCounterCheck()
	}
	return nil
}

// leaveApplicant closes whatever was open: it belonged to the last
// applicant and must not stay on screen under what is read of this one.
func (s *Shell) leaveApplicant() {
	if len(s.stack) > 1 {
		s.stack = s.stack[:1]
		s.top().show(s)
	}
}

// readCard is the scan box's 读卡: the card on the reader opens the newest
// application of its identity number at this point; at the counter its
// check opens with the 居民身份证 marked, when the card passes.
func (s *Shell) readCard() {
	ws := s.ws
	s.setBanner(&bannerText{"正在读卡…", colorWarn})
	ws.async(func() {
		res, err := ws.Desk.ApplicationOfCard(ws.ctx)
		fyne.Do(func() {
			s.leaveApplicant()
			if err != nil {
				s.setBanner(&bannerText{data.ErrorMessage(err), colorBad})
				return
			}
			if res.Refused != nil {
				s.setBanner(&bannerText{"已读卡，但" + data.ErrorMessage(res.Refused), colorWarn})
			} else {
				s.setBanner(&bannerText{"已读卡：" + res.View.Name + " " + data.MaskIDNumber(res.View.IDNumber), colorGood})
			}
			if c := s.openApplication(res.View, true); c != nil && res.Check != nil {
				c.mark(res.Check)
			}
		})
	})
}
