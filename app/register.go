package app

import (
	"context"

	"titledesk/data"
)

// Register is the 证书登记簿: the certified applications, searched and
// paged as any queue.
var Register = Queue{"证书登记簿", data.RoleBureau, []data.Status{data.StatusCertified}}

// RegisterColumns head the register on screen and in its export.
var RegisterColumns = []string{"证书编号", "发证时间", "申请编号", "姓名", "身份证号码", "系列", "申报资格", "申报级别", "人才联络点"}

// RegisterRow is one certified application as the register shows it.
func (d *Desk) RegisterRow(ctx context.Context, s *data.ApplicationSummary) []string {
	issued := ""
	if !s.CertifiedAt.IsZero() {
		issued = s.CertifiedAt.In(data.Shanghai).Format("2006-01-02")
	}
	return []string{s.CertificateNo, issued, s.No, s.Name, data.MaskIDNumber(s.IDNumber), s.Series, s.Qualification, s.Level,
		d.pointName(ctx, s.LiaisonPointID)}
}

// ExportRegister writes every certificate the filter finds to path (.xlsx
// or .csv).
func (d *Desk) ExportRegister(ctx context.Context, f data.ApplicationFilter, path string) error {
	f.Statuses, f.Offset, f.Limit = Register.Statuses, 0, 500
	rows := [][]string{RegisterColumns}
	for {
		page, _, err := d.Queue(ctx, f)
		if err != nil {
			return err
		}
		for i := range page {
			rows = append(rows, d.RegisterRow(ctx, &page[i]))
		}
		// A dense search counts only to data.SearchCap: the last page is
		// the one that comes back short, not the one that reaches total.
		if f.Offset += len(page); len(page) < f.Limit {
			break
		}
	}
	return Export(path, Sheet{"证书登记簿", rows})
}
