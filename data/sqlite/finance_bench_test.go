package sqlite

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"titledesk/data"
	"titledesk/finance"
)

// paidFixture stores n applications at 30 points, each with a notice and a
// payment recorded at the given spread of times before end.
func paidFixture(b *testing.B, s *Store, n int, end time.Time, spread time.Duration) []*data.Application {
	b.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	apps := make([]*data.Application, n)
	for i := range apps {
		a := genApplication(r, i)
		a.Status, a.SupplementDeadline = data.StatusPaid, time.Time{}
		at := end.Add(-time.Duration(r.Int64N(int64(spread))))
		a.Notice = &data.PaymentNotice{No: fmt.Sprintf("N%08d", i), PayCode: fmt.Sprintf("4419%014d", i), Amount: 15000, IssuedAt: at.AddDate(0, 0, -5)}
		a.Payment = &data.Payment{Amount: 15000, Channel: []string{"微信", "银行柜台", "网上缴费"}[i%3], ReceiptNo: fmt.Sprintf("R%010d", i),
			PaidAt: at, RecordedAt: at, RecordedBy: "chen", RecordedByID: "c1"}
		apps[i] = a
	}
	for i := 0; i < n; i += 5000 {
		if err := s.SaveApplications(ctx, apps[i:min(i+5000, n)]); err != nil {
			b.Fatal(err)
		}
	}
	return apps
}

// BenchmarkStatementImport reads a 10,000-row statement workbook and
// reconciles it against 10,000 recorded payments, in one import (budget:
// < 2 s). Each round imports a fresh statement, so every entry is new.
func BenchmarkStatementImport(b *testing.B) {
	const n = 10_000
	s := openServerTest(b)
	now := time.Now()
	apps := paidFixture(b, s, n, now.Add(-time.Hour), 48*time.Hour)
	round, read := 0, time.Duration(0)
	for b.Loop() {
		b.StopTimer()
		round++
		path := filepath.Join(b.TempDir(), "对账单.xlsx")
		x := excelize.NewFile()
		sw, err := x.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		sw.SetRow("A1", []any{"缴款码", "实缴金额", "缴款时间", "交易流水号", "缴款渠道"})
		for i, a := range apps {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			sw.SetRow(cell, []any{a.Notice.PayCode, "150.00", a.Payment.PaidAt.In(data.Shanghai).Format("2006-01-02 15:04:05"), fmt.Sprintf("JY%d-%d", round, i), "微信"})
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := x.SaveAs(path); err != nil {
			b.Fatal(err)
		}
		x.Close()
		b.StartTimer()

		start := time.Now()
		rows, bad, err := finance.ReadStatement(path, finance.DefaultMapping())
		read += time.Since(start)
		if err != nil || len(bad) > 0 || len(rows) != n {
			b.Fatalf("read %d rows, %d refused: %v", len(rows), len(bad), err)
		}
		lines := make([]StatementLine, len(rows))
		for i, r := range rows {
			lines[i] = StatementLine{Line: r.Line, Entry: data.StatementEntry{PayCode: r.PayCode, Ref: r.Ref, Channel: r.Channel, Amount: r.Amount, PaidAt: r.PaidAt}}
		}
		rep, err := s.ImportStatement(ctx, "对账单.xlsx", "sum", lines, nil, importer, now)
		if err != nil || rep.Applied != n || rep.Outcomes[data.Matched] != n {
			b.Fatalf("import: %+v %v", rep, err)
		}
	}
	b.ReportMetric(n, "rows/op")
	b.ReportMetric(float64(read.Milliseconds())/float64(round), "read-ms/op")
}

// BenchmarkMonthSummary adds up a month of 30,000 payments among 100,000
// on a bureau desk, per point and channel (budget: < 200 ms).
func BenchmarkMonthSummary(b *testing.B) {
	s, _ := openTest(b)
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, data.Shanghai)
	// 100,000 recorded over the 100 days before December: November holds
	// about 30,000 of them.
	paidFixture(b, s, 100_000, end, 100*24*time.Hour)
	from := end.AddDate(0, -1, 0)
	for b.Loop() {
		rows, err := s.MonthSummary(ctx, from, end)
		total := 0
		for _, r := range rows {
			total += r.Payments
		}
		if err != nil || total < 25_000 || total > 35_000 {
			b.Fatalf("month: %d payments in %d rows, %v", total, len(rows), err)
		}
	}
}
