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

// RegisterRow is one certified application as the register shows it;
// point names its liaison point.
func RegisterRow(s *data.ApplicationSummary, point string) []string {
	issued := ""
	if !s.CertifiedAt.IsZero() {
		issued = s.CertifiedAt.In(data.Shanghai).Format("2006-01-02")
	}
	return []string{s.CertificateNo, issued, s.No, s.Name, data.MaskIDNumber(s.IDNumber), s.Series, s.Qualification, s.Level, point}
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
	points, err := d.PointNames(ctx)
	if err != nil {
		return err
	}
	f.Statuses, f.Offset, f.Limit = Register.Statuses, 0, 500
	rows := [][]string{RegisterColumns}
	for {
		page, _, err := d.Queue(ctx, f)
		if err != nil {
			return err
		}
		for i := range page {
			rows = append(rows, RegisterRow(&page[i], points[page[i].LiaisonPointID]))
		}
		// A dense search counts only to data.SearchCap: the last page is
		// the one that comes back short, not the one that reaches total.
		if f.Offset += len(page); len(page) < f.Limit {
			break
		}
	}
	return Export(path, Sheet{"证书登记簿", rows})
}
