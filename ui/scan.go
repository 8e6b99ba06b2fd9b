package ui

import (
	"image/color"
	"slices"

	"titledesk/app"
	"titledesk/data"
)

// verdictColors say a seal's verdict in colour as well as in words.
var verdictColors = map[app.SealStatus]color.Color{
	app.SealGenuine: colorGood, app.SealForged: colorBad, app.SealStale: colorWarn, app.SealUnknownKey: colorWarn, app.SealNoRecord: colorWarn,
	app.SealRevoked: colorBad,
}

// scan handles what the scan box received: a scanner types a QR payload
// and Enter, a clerk types an application number. A payload's verdict is
// shown first; a genuine form at the counter opens the counter check.
func (s *Shell) scan(text string) {
	s.ScanBox.SetText("")
	// Whatever was open belonged to the last applicant: it must not stay
	// on screen under a verdict about this paper.
	if len(s.stack) > 1 {
		s.stack = s.stack[:1]
		s.top().show(s)
	}
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
	d := newDetail(s, res.View)
	s.push(d.screen())
	// A genuine form opens the counter check where the clerk may take the
	// papers now, as the state machine says.
	atCounter := slices.ContainsFunc(res.View.Actions, func(t data.Transition) bool { return t.Action == data.ActionPaperAccept })
	if v := res.Verdict; v != nil && v.Status == app.SealGenuine && v.Payload.Kind == data.DocForm && atCounter {
		d.openCounterCheck()
	}
	s.ws.Win.Canvas().Unfocus()
}
