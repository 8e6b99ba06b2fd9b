package app

import (
	"context"
	"fmt"
	"time"

	"titledesk/data"
	"titledesk/sheets"
)

// Register is the 证书登记簿: the certified applications, searched and
// paged as any queue.
var Register = Queue{"证书登记簿", data.RoleBureau, []data.Status{data.StatusCertified}}

// RegisterColumns head the register on screen and in its export.
var RegisterColumns = []string{"证书编号", "发证时间", "申请编号", "姓名", "身份证号码", "系列", "申报资格", "申报级别", "人才联络点"}

// RegisterRow is one certified application as the register shows it;
// point names its liaison point.
func RegisterRow(s *data.ApplicationSummary, point string) []string {
	return []string{CertificateNoText(&data.Certificate{No: s.CertificateNo}), dateOf(s.CertifiedAt), s.No, s.Name, data.MaskIDNumber(s.IDNumber), s.Series, s.Qualification, s.Level, point}
}

// PointNames names every liaison point by id.
func (d *Desk) PointNames(ctx context.Context) (map[string]string, error) {
	ps, err := d.Store.LiaisonPoints(ctx)
	names := make(map[string]string, len(ps))
	for _, p := range ps {
		names[p.ID] = p.Name
	}
	return names, err
}

// ExportRegister writes every certificate the filter finds to path (.xlsx
// or .csv).
func (d *Desk) ExportRegister(ctx context.Context, f data.ApplicationFilter, path string) error {
	f.Statuses = Register.Statuses
	rows, err := d.found(ctx, f, RegisterColumns, RegisterRow)
	if err != nil {
		return err
	}
	return sheets.Save(path, sheets.Sheet{Name: "证书登记簿", Rows: rows})
}

// QueueColumns head a queue's export: what any queue shows, and its
// deadline and amount where it has them.
var QueueColumns = []string{"申请编号", "姓名", "身份证号码", "系列", "申报资格", "申报级别", "送审时间", "状态", "人才联络点", "经办人", "补正期限", "应缴金额（元）"}

// QueueRow is one application as a queue's export shows it.
func QueueRow(s *data.ApplicationSummary, point string) []string {
	amount := ""
	if !s.NoticeIssuedAt.IsZero() {
		amount = s.NoticeAmount.String()
	}
	return []string{s.No, s.Name, data.MaskIDNumber(s.IDNumber), s.Series, s.Qualification, s.Level, dateOf(s.SubmittedAt),
		s.Status.Label(), point, s.AssigneeName, dateOf(s.SupplementDeadline), amount}
}

// ExportQueue writes every application of queue q the filter finds to
// path, with a 合计 row: how many, and what their notices ask in all.
func (d *Desk) ExportQueue(ctx context.Context, q Queue, f data.ApplicationFilter, path string) error {
	if len(f.Statuses) == 0 {
		f.Statuses = q.Statuses
	}
	var sum data.Fen
	rows, err := d.found(ctx, f, QueueColumns, func(s *data.ApplicationSummary, point string) []string {
		if !s.NoticeIssuedAt.IsZero() {
			sum += s.NoticeAmount
		}
		return QueueRow(s, point)
	})
	if err != nil {
		return err
	}
	total := make([]string, len(QueueColumns))
	total[0], total[1], total[len(total)-1] = "合计", fmt.Sprintf("%d 件", len(rows)-1), sum.String()
	return sheets.Save(path, sheets.Sheet{Name: q.Task, Rows: append(rows, total)})
}

// found is every application the filter finds, a row each under head.
func (d *Desk) found(ctx context.Context, f data.ApplicationFilter, head []string, row func(*data.ApplicationSummary, string) []string) ([][]string, error) {
	points, err := d.PointNames(ctx)
	if err != nil {
		return nil, err
	}
	f.Offset, f.Limit = 0, 500
	rows := [][]string{head}
	for {
		page, _, err := d.Queue(ctx, f)
		if err != nil {
			return nil, err
		}
		for i := range page {
			rows = append(rows, row(&page[i], points[page[i].LiaisonPointID]))
		}
		// A dense search counts only to data.SearchCap: the last page is
		// the one that comes back short, not the one that reaches total.
		if f.Offset += len(page); len(page) < f.Limit {
			return rows, nil
		}
	}
}

// dateOf is a day as exports write it; zero is blank.
func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(data.Shanghai).Format("2006-01-02")
}

// CertificateNoText is a certificate's number as shown: one the server has
// not given yet says so.
func CertificateNoText(c *data.Certificate) string {
	if c.No == "" {
		return "待市局服务器编号（同步后显示）"
	}
	return c.No
}
