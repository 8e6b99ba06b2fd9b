package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"titledesk/data"
	"titledesk/data/sqlite"
	"titledesk/forms"
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
	Today, Month []ChannelTotal
}

// Statistics counts applications per point and status, the overdue ones,
// and the payments of the day and the month of day.
func (d *Desk) Statistics(ctx context.Context, day time.Time) (*Stats, error) {
	points, err := d.Store.LiaisonPoints(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := d.Store.CountsByPoint(ctx)
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
	if st.Today, err = d.paymentTotals(ctx, st.Day, st.Day.AddDate(0, 0, 1)); err != nil {
		return nil, err
	}
	if st.Month, err = d.paymentTotals(ctx, monthStart, monthStart.AddDate(0, 1, 0)); err != nil {
		return nil, err
	}
	return st, nil
}

func (d *Desk) paymentTotals(ctx context.Context, from, to time.Time) ([]ChannelTotal, error) {
	rows, err := d.Store.Payments(ctx, "", from, to)
	if err != nil {
		return nil, err
	}
	return ChannelTotals(rows), nil
}

// ChannelTotals adds up payments per channel, in channel order.
func ChannelTotals(rows []sqlite.PaymentRow) []ChannelTotal {
	by := map[string]*ChannelTotal{}
	for _, p := range rows {
		t := by[p.Channel]
		if t == nil {
			t = &ChannelTotal{Channel: p.Channel}
			by[p.Channel] = t
		}
		t.Count++
		t.Amount += p.Amount
	}
	out := make([]ChannelTotal, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Channel < out[j].Channel })
	return out
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
	for _, p := range s.Points {
		r := []string{p.Point.Name}
		for _, st := range StatsColumns {
			r = append(r, strconv.Itoa(p.Counts[st]))
		}
		rows = append(rows, append(r, strconv.Itoa(p.Overdue), strconv.Itoa(p.Total)))
	}
	return rows
}

// Export writes the statistics to path: an Excel workbook (.xlsx) with the
// counts and the payments on two sheets, or CSV (.csv) with the counts.
func (s *Stats) Export(path string) error {
	payments := [][]string{{"期间", "缴费方式", "笔数", "金额（元）"}}
	for _, period := range []struct {
		name   string
		totals []ChannelTotal
	}{{"当日", s.Today}, {"当月", s.Month}} {
		for _, t := range period.totals {
			payments = append(payments, []string{period.name, t.Channel, strconv.Itoa(t.Count), t.Amount.String()})
		}
	}
	return Export(path, Sheet{"各联络点统计", s.Table()}, Sheet{"缴费统计", payments})
}

// NextCertificateNo proposes the number of a certificate issued here:
// device-coded like every number made offline (DESIGN.md section 4).
func (d *Desk) NextCertificateNo(ctx context.Context, at time.Time) (string, error) {
	dev := d.Device()
	if dev == nil {
		return "", data.Errorf(data.EUNAUTHORIZED, "本工作站尚未注册")
	}
	seq, err := d.Store.NextCounter(ctx, data.NumberCounter(data.SeriesCertificate, at))
	if err != nil {
		return "", err
	}
	return data.CertificateNo(dev.Code, at, seq), nil
}

// Certify issues the certificate of a paid application.
func (d *Desk) Certify(ctx context.Context, applicationID, no string, issuedAt time.Time) (*View, error) {
	if strings.TrimSpace(no) == "" {
		return nil, data.Errorf(data.EINVALID, "请填写证书编号")
	}
	return d.Do(ctx, data.Command{Action: data.ActionCertify, ApplicationID: applicationID,
		Certificate: &data.Certificate{No: strings.TrimSpace(no), IssuedAt: issuedAt}})
}

// Payments are the payments recorded on day: at this desk's liaison point,
// or at every point on a bureau desk.
func (d *Desk) Payments(ctx context.Context, day time.Time) ([]sqlite.PaymentRow, error) {
	dev := d.Device()
	if dev == nil {
		return nil, data.Errorf(data.EUNAUTHORIZED, "本工作站尚未注册")
	}
	from := data.Midnight(day)
	to := from.AddDate(0, 0, 1)
	// Payments recorded here and not yet synced are on the stored
	// applications already (sqlite's Enqueue writes them), so an offline
	// day's report holds them.
	return d.Store.Payments(ctx, dev.LiaisonPointID, from, to)
}

// DailyReport prints the 日结报表 of this desk's liaison point for day.
func (d *Desk) DailyReport(ctx context.Context, day time.Time) (*Printout, error) {
	dev, clerk := d.Device(), d.Clerk()
	if dev == nil || clerk == nil {
		return nil, data.Errorf(data.EUNAUTHORIZED, "请先登录")
	}
	rows, err := d.Payments(ctx, day)
	if err != nil {
		return nil, err
	}
	from := data.Midnight(day)
	r := forms.DailyReport{Date: from, LiaisonPoint: d.pointName(ctx, dev.LiaisonPointID), Device: dev.Code, Clerk: clerk.Name}
	for _, p := range rows {
		r.Payments = append(r.Payments, forms.Payment{NoticeNo: p.NoticeNo, AppNo: p.ApplicationNo, Payer: p.Name, Item: feeItem,
			Method: p.Channel, Amount: p.Amount, At: p.PaidAt})
	}
	now := d.Now()
	printed, err := forms.Render(r, forms.Sealer{}, now)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(d.Dir, "printed", fmt.Sprintf("日结报表-%s-%s.pdf", from.Format("20060102"), now.In(data.Shanghai).Format("150405")))
	if err := os.WriteFile(path, printed.PDF, 0o600); err != nil {
		return nil, err
	}
	return &Printout{Path: path, Unprintable: printed.Unprintable}, nil
}
