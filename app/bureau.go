package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"titledesk/data"
	"titledesk/sheets"
)

// PointStats is one liaison point's line of the 统计 table.
type PointStats struct {
	Point   data.LiaisonPoint
	Counts  map[data.Status]int
	Total   int
	Overdue int // supplement deadline passed, not yet expired
}

// ChannelTotal is the payments of one channel in a period.
type ChannelTotal struct {
	Channel string
	Count   int
	Amount  data.Fen
}

// Stats is the city-wide view a bureau reviewer sees.
type Stats struct {
	Day          time.Time
	Points       []PointStats
	Today, Month Totals
	// MonthByPoint is the month's payments and refunds per liaison point
	// and channel, by the day each was recorded.
	MonthByPoint []MonthRow
	// Steps are the month's figures per liaison point and step
	// (data.Steps): what came in, passed, went back, and how long it took.
	Steps map[string][]data.StepFigures
}

// Statistics counts applications per point and status, the overdue ones,
// and the payments of the day and the month of day.
func (d *Desk) Statistics(ctx context.Context, day time.Time) (*Stats, error) {
	points, err := d.Store.LiaisonPoints(ctx)
	if err != nil {
		return nil, err
	}
	// Today's are kept as they change; a past day's come from the history.
	counts, err := d.Store.CountsByPoint(ctx)
	if past := data.Midnight(day).Before(data.Midnight(d.Now())); past {
		counts, err = d.Store.CountsAsOf(ctx, data.Midnight(day).AddDate(0, 0, 1).Add(-time.Nanosecond))
	}
	if err != nil {
		return nil, err
	}
	overdue, err := d.Store.OverdueByPoint(ctx, day)
	if err != nil {
		return nil, err
	}
	st := &Stats{Day: data.Midnight(day)}
	for _, p := range points {
		ps := PointStats{Point: p, Counts: counts[p.ID], Overdue: overdue[p.ID]}
		for _, n := range ps.Counts {
			ps.Total += n
		}
		st.Points = append(st.Points, ps)
	}
	monthStart := time.Date(st.Day.Year(), st.Day.Month(), 1, 0, 0, 0, 0, data.Shanghai)
	if st.Today, _, err = d.moneyTotals(ctx, st.Day, st.Day.AddDate(0, 0, 1)); err != nil {
		return nil, err
	}
	if st.Month, st.MonthByPoint, err = d.moneyTotals(ctx, monthStart, monthStart.AddDate(0, 1, 0)); err != nil {
		return nil, err
	}
	history, err := d.Store.History(ctx, monthStart, monthStart.AddDate(0, 1, 0))
	if err != nil {
		return nil, err
	}
	cal, err := d.Store.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	st.Steps = data.Figures(history, monthStart, monthStart.AddDate(0, 1, 0), cal)
	return st, nil
}

// StepTable is the month's figures per point and step (data.StepRows).
func (s *Stats) StepTable() [][]string {
	points := make([]data.LiaisonPoint, len(s.Points))
	for i, p := range s.Points {
		points[i] = p.Point
	}
	return data.StepRows(points, s.Steps)
}

// moneyTotals are the payments recorded and the refunds approved in
// [from, to): per channel, and per point and channel.
func (d *Desk) moneyTotals(ctx context.Context, from, to time.Time) (Totals, []MonthRow, error) {
	rows, err := d.Store.MonthSummary(ctx, from, to)
	var t Totals
	for _, r := range rows {
		if r.Payments > 0 {
			t.Channels = addChannel(t.Channels, r.Channel, r.Payments, r.Paid)
		}
		t.Refunds += r.Refunds
		t.Refunded += r.Refunded
	}
	return t, rows, err
}

// StatsColumns are the statuses the 统计 table shows, in workflow order.
var StatsColumns = []data.Status{
	data.StatusLiaisonReview, data.StatusBureauReview, data.StatusBureauRejected, data.StatusAwaitingPaper,
	data.StatusPaperDeficient, data.StatusAwaitingPayment, data.StatusPaid, data.StatusCertified,
}

// Table is the statistics as rows of text, header first: one shape for the
// screen, the workbook and the CSV file.
func (s *Stats) Table() [][]string {
	head := []string{"人才联络点"}
	for _, st := range StatsColumns {
		head = append(head, st.Label())
	}
	head = append(head, "逾期未补正", "合计")
	rows := [][]string{head}
	sums := make([]int, len(StatsColumns)+2)
	for _, p := range s.Points {
		counts := make([]int, 0, len(sums))
		for _, st := range StatsColumns {
			counts = append(counts, p.Counts[st])
		}
		counts = append(counts, p.Overdue, p.Total)
		r := []string{p.Point.Name}
		for i, n := range counts {
			r = append(r, strconv.Itoa(n))
			sums[i] += n
		}
		rows = append(rows, r)
	}
	// Every point's together, on screen and in the exports.
	total := []string{"合计"}
	for _, n := range sums {
		total = append(total, strconv.Itoa(n))
	}
	return append(rows, total)
}

// Export writes the statistics to path: an Excel workbook (.xlsx) with the
// counts and the payments on two sheets, or CSV (.csv) with the counts.
func (s *Stats) Export(path string) error {
	payments := [][]string{{"期间", "缴费方式", "笔数", "金额（元）"}}
	for _, period := range []struct {
		name   string
		totals Totals
	}{{"当日", s.Today}, {"当月", s.Month}} {
		for _, t := range period.totals.Channels {
			payments = append(payments, []string{period.name, t.Channel, strconv.Itoa(t.Count), t.Amount.String()})
		}
		if t := period.totals; t.Refunds > 0 {
			payments = append(payments, []string{period.name, "退费", strconv.Itoa(t.Refunds), (-t.Refunded).String()})
		}
		payments = append(payments, []string{period.name, "净额", "", period.totals.Net().String()})
	}
	return sheets.Save(path, sheets.Sheet{Name: "各联络点统计", Rows: s.Table()}, sheets.Sheet{Name: "缴费统计", Rows: payments}, sheets.Sheet{Name: "月度汇总", Rows: s.MonthTable()},
		sheets.Sheet{Name: "月度各环节", Rows: s.StepTable()})
}

// MonthTable is the month's money per liaison point and channel, header
// first, with a totals row.
func (s *Stats) MonthTable() [][]string {
	names := map[string]string{}
	for _, p := range s.Points {
		names[p.Point.ID] = p.Point.Name
	}
	rows := [][]string{{"人才联络点", "缴费方式", "缴费笔数", "缴费金额（元）", "退费笔数", "退费金额（元）", "净额（元）"}}
	var all MonthRow
	for _, r := range s.MonthByPoint {
		rows = append(rows, []string{names[r.LiaisonPointID], r.Channel, strconv.Itoa(r.Payments), r.Paid.String(), strconv.Itoa(r.Refunds), r.Refunded.String(), (r.Paid - r.Refunded).String()})
		all.Payments, all.Paid, all.Refunds, all.Refunded = all.Payments+r.Payments, all.Paid+r.Paid, all.Refunds+r.Refunds, all.Refunded+r.Refunded
	}
	return append(rows, []string{"合计", "", strconv.Itoa(all.Payments), all.Paid.String(), strconv.Itoa(all.Refunds), all.Refunded.String(), (all.Paid - all.Refunded).String()})
}

// Certify issues the certificate of a paid application. A blank number is
// given by the server by the bureau's pattern when the command reaches it
// (data.CertificatePattern); until then the desk shows it as pending.
func (d *Desk) Certify(ctx context.Context, applicationID, no string, issuedAt time.Time) (*View, error) {
	return d.Do(ctx, data.Command{Action: data.ActionCertify, ApplicationID: applicationID,
		Certificate: &data.Certificate{No: strings.TrimSpace(no), IssuedAt: issuedAt}})
}

// ReconcileExceptions are the payments the finance statements did not
// confirm: 金额不符, 未到账 and 已到账未登记.
func (d *Desk) ReconcileExceptions(ctx context.Context) ([]ReconcileException, error) {
	return d.Store.ReconcileExceptions(ctx)
}

// CorrectPayment is a bureau reviewer's correction of a recorded payment,
// with the reason; the state machine checks it as a new payment.
func (d *Desk) CorrectPayment(ctx context.Context, applicationID string, in PaymentInput, reasons []string, note string) (*View, error) {
	return d.Do(ctx, data.Command{Action: data.ActionPaymentCorrect, ApplicationID: applicationID, Reasons: reasons, Note: note,
		Payment: &data.Payment{Amount: in.Amount, ReceiptNo: data.NormalizeRef(in.ReceiptNo), Channel: in.Channel, PaidAt: in.PaidAt}})
}
