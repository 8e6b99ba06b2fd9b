package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"titledesk/data"
	"titledesk/forms"
	"titledesk/sheets"
)

// Settlement is the logged-in clerk's 日结 of one day: the payments the
// clerk recorded and the refunds of them, by the day they were recorded
// (not the day the applicant paid). Printing closes the day; what arrives
// for a closed day later falls into the next open one, and a reprint is
// the page as first printed.
type Settlement struct {
	Report forms.DailyReport
	Closed bool
	// Entries are the open day's, to close it with; nil once closed.
	Entries []SettlementEntry
}

// Settlement is the clerk's settlement of day, open or closed.
func (d *Desk) Settlement(ctx context.Context, day time.Time) (*Settlement, error) {
	dev, clerk := d.Device(), d.Clerk()
	if dev == nil || clerk == nil {
		return nil, data.Errorf(data.EUNAUTHORIZED, "请先登录")
	}
	day = data.Midnight(day)
	kept, closed, err := d.Store.ClosedSettlement(ctx, clerk.ID, day)
	if err != nil {
		return nil, err
	}
	if closed {
		st := &Settlement{Closed: true}
		if err := json.Unmarshal(kept, &st.Report); err != nil {
			return nil, fmt.Errorf("stored settlement of %s: %w", day.Format(time.DateOnly), err)
		}
		return st, nil
	}
	entries, err := d.Store.OpenSettlement(ctx, clerk.ID, day)
	if err != nil {
		return nil, err
	}
	fin, err := d.Store.Finance(ctx)
	if err != nil {
		return nil, err
	}
	st := &Settlement{Entries: entries, Report: forms.DailyReport{Date: day, LiaisonPoint: d.pointName(ctx, dev.LiaisonPointID), Device: dev.Code, Clerk: clerk.Name}}
	for _, e := range entries {
		st.Report.Entries = append(st.Report.Entries, forms.Payment{NoticeNo: e.NoticeNo, AppNo: e.ApplicationNo, Payer: e.Name, Item: fin.Item,
			Method: e.Channel, Reference: e.Reference, Amount: e.Amount, Refund: e.Refund, RecordedAt: e.At, Day: data.Midnight(e.At)})
	}
	return st, nil
}

// CloseSettlement prints the clerk's settlement of day and closes the day:
// what is recorded for it afterwards goes to the next open day. Today may
// be closed before it ends; a day to come may not.
func (d *Desk) CloseSettlement(ctx context.Context, day time.Time) (*Printout, error) {
	st, err := d.Settlement(ctx, day)
	if err != nil {
		return nil, err
	}
	now := d.Now()
	switch {
	case st.Closed:
		return nil, data.Errorf(data.ECONFLICT, "%s 的日结已于 %s 关账，请用“重印”", st.Report.Date.Format(time.DateOnly), st.Report.ClosedAt.In(data.Shanghai).Format("2006-01-02 15:04"))
	case data.Midnight(day).After(data.Midnight(now)):
		return nil, data.Errorf(data.EINVALID, "%s 还没有到，不能日结", data.Midnight(day).Format(time.DateOnly))
	}
	st.Report.ClosedAt = now
	body, err := json.Marshal(st.Report)
	if err != nil {
		return nil, err
	}
	p, err := d.printSettlement(st.Report, now)
	if err != nil {
		return nil, err
	}
	if err := d.Store.CloseSettlement(ctx, d.Clerk().ID, day, st.Entries, body, now); err != nil {
		os.Remove(p.Path)
		return nil, err
	}
	return p, nil
}

// ReprintSettlement prints a closed day again, marked 重印.
func (d *Desk) ReprintSettlement(ctx context.Context, day time.Time) (*Printout, error) {
	st, err := d.Settlement(ctx, day)
	if err != nil {
		return nil, err
	}
	if !st.Closed {
		return nil, data.Errorf(data.EINVALID, "%s 的日结尚未打印关账", data.Midnight(day).Format(time.DateOnly))
	}
	st.Report.Reprint, st.Report.ReprintAt = true, d.Now()
	return d.printSettlement(st.Report, st.Report.ReprintAt)
}

func (d *Desk) printSettlement(r forms.DailyReport, now time.Time) (*Printout, error) {
	printed, err := forms.Render(r, forms.Sealer{}, now)
	if err != nil {
		return nil, err
	}
	kind := data.PaperDaily
	if r.Reprint {
		kind += "（重印）"
	}
	return d.keep(printed, data.PaperDaily, "", "", fmt.Sprintf("%s-%s-%s-%s.pdf", kind, r.Clerk, r.Date.Format("20060102"), now.In(data.Shanghai).Format("150405")))
}

// Totals are a settlement's or a period's payments per channel, and the
// refunds.
type Totals struct {
	Channels []ChannelTotal
	Refunds  int
	Refunded data.Fen
}

// Net is what was received less what was refunded.
func (t Totals) Net() data.Fen {
	var sum data.Fen
	for _, c := range t.Channels {
		sum += c.Amount
	}
	return sum - t.Refunded
}

// Totals adds up the settlement's entries.
func (s *Settlement) Totals() Totals {
	var t Totals
	for _, e := range s.Report.Entries {
		if e.Refund {
			t.Refunds++
			t.Refunded -= e.Amount
			continue
		}
		t.Channels = addChannel(t.Channels, e.Method, 1, e.Amount)
	}
	return t
}

// addChannel adds count payments of amount to channel's total, keeping the
// counter's order of channels.
func addChannel(ts []ChannelTotal, channel string, count int, amount data.Fen) []ChannelTotal {
	for i := range ts {
		if ts[i].Channel == channel {
			ts[i].Count += count
			ts[i].Amount += amount
			return ts
		}
	}
	ts = append(ts, ChannelTotal{Channel: channel, Count: count, Amount: amount})
	order := func(name string) int {
		for i, c := range Channels {
			if c.Name == name {
				return i
			}
		}
		return len(Channels)
	}
	for i := len(ts) - 1; i > 0 && order(ts[i].Channel) < order(ts[i-1].Channel); i-- {
		ts[i], ts[i-1] = ts[i-1], ts[i]
	}
	return ts
}

// Table is the settlement as rows, header first, with a totals row: the
// screen's list and the workbook's sheet. Amounts are numbers in yuan.
func (s *Settlement) Table() [][]string {
	rows := [][]string{{"申请编号", "缴款人", "通知书编号", "缴费方式", "票据/交易号", "金额（元）", "登记时间", "类别"}}
	for _, e := range s.Report.Entries {
		kind := "缴费"
		if e.Refund {
			kind = "退费"
		}
		rows = append(rows, []string{e.AppNo, e.Payer, e.NoticeNo, e.Method, e.Reference, e.Amount.String(),
			e.RecordedAt.In(data.Shanghai).Format("2006-01-02 15:04"), kind})
	}
	return rows
}

// ExportSettlement writes the settlement to an Excel workbook: the entries
// with a totals row, and the totals per channel with their capital numerals.
func (d *Desk) ExportSettlement(ctx context.Context, day time.Time, path string) error {
	st, err := d.Settlement(ctx, day)
	if err != nil {
		return err
	}
	t := st.Totals()
	entries := st.Table()
	entries = append(entries, []string{"合计", strconv.Itoa(len(st.Report.Entries)) + "笔", "", "", "", t.Net().String(), "", ""})
	sums := [][]string{{"缴费方式", "笔数", "金额（元）", "大写"}}
	for _, c := range t.Channels {
		sums = append(sums, []string{c.Channel, strconv.Itoa(c.Count), c.Amount.String(), c.Amount.Capital()})
	}
	if t.Refunds > 0 {
		sums = append(sums, []string{"退费", strconv.Itoa(t.Refunds), (-t.Refunded).String(), (-t.Refunded).Capital()})
	}
	sums = append(sums, []string{"净额", "", t.Net().String(), t.Net().Capital()})
	return sheets.Save(path, sheets.Sheet{Name: "日结明细", Rows: entries}, sheets.Sheet{Name: "按缴费方式汇总", Rows: sums})
}

// MoneyFacts are the application's notice, payment, reconciliation and
// refund as label, text pairs for the detail.
func MoneyFacts(a *data.Application) []string {
	var out []string
	if n := a.Notice; n != nil {
		line := fmt.Sprintf("%s　%s 元　缴款码 %s　%s开具", n.No, n.Amount, n.PayCode, n.IssuedBy)
		if !n.Due.IsZero() {
			line += "　缴款期限 " + n.Due.In(data.Shanghai).Format(time.DateOnly)
		}
		out = append(out, "缴款通知书", line)
	}
	if p := a.Payment; p != nil {
		ref := "凭证号"
		if c, ok := data.ChannelNamed(p.Channel); ok {
			ref = c.RefLabel
		}
		line := fmt.Sprintf("%s　%s 元　%s %s　缴费日期 %s　%s 于 %s 登记", p.Channel, p.Amount, ref, p.ReceiptNo,
			p.PaidAt.In(data.Shanghai).Format(time.DateOnly), p.RecordedBy, p.RecordedAt.In(data.Shanghai).Format("2006-01-02 15:04"))
		if p.ProofSHA256 != "" {
			line += "　有缴费凭证图片"
		}
		if p.CorrectedBy != "" {
			line += fmt.Sprintf("　%s 于 %s 更正", p.CorrectedBy, p.CorrectedAt.In(data.Shanghai).Format("2006-01-02 15:04"))
		}
		out = append(out, "缴费", line)
	}
	if r := a.Reconciliation; r != nil {
		line := r.Outcome.Label()
		if e := r.Entry; e.Ref != "" {
			line += fmt.Sprintf("　到账 %s 元　流水号 %s　%s", e.Amount, e.Ref, e.PaidAt.In(data.Shanghai).Format(time.DateOnly))
		}
		out = append(out, "对账", line)
	} else if a.Payment != nil {
		out = append(out, "对账", data.ReconcileOutcome("").Label())
	}
	if r := a.Refund; r != nil {
		out = append(out, "退费", fmt.Sprintf("%s 元　%s　%s 于 %s 批准", r.Amount, r.Reason, r.ApprovedBy, r.ApprovedAt.In(data.Shanghai).Format(time.DateOnly)))
	}
	return out
}

// ProofKind names the payment proof's page in a viewer of the scans.
const ProofKind = "缴费凭证"

// Pages are what the detail's viewer shows of an application: its scans
// and, once a payment is recorded with one, the picture of its proof, on
// the clerk's desk and the bureau's.
func Pages(a *data.Application) []data.Attachment {
	pages := a.Attachments
	if p := a.Payment; p != nil && p.ProofSHA256 != "" {
		pages = append(slices.Clone(pages), data.Attachment{ID: "proof", Kind: ProofKind, FileName: p.Channel + "缴费凭证", SHA256: p.ProofSHA256})
	}
	return pages
}
