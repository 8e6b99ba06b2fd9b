package sqlite

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"titledesk/data"
)

// benchApplications is the size of the benchmarks' database: 100,000 (the
// budgets' size) unless TITLEDESK_BENCH_APPS says otherwise, to see how a
// cost grows (docs/BENCHMARKS.md, growth).
var benchApplications = func() int {
	if n, err := strconv.Atoi(os.Getenv("TITLEDESK_BENCH_APPS")); err == nil && n > 5000 {
		return n
	}
	return 100_000
}()

var (
	benchOnce  sync.Once
	benchStore *Store
	benchApps  []*data.Application
	benchDir   string
)

// benchDB builds the 100,000-application database once per test binary,
// in one transaction, and reports how long that took.
func benchDB(b *testing.B) *Store {
	benchOnce.Do(func() {
		var err error
		if benchDir, err = os.MkdirTemp("", "titledesk-bench-"); err != nil {
			b.Fatal(err)
		}
		if benchStore, err = Open(filepath.Join(benchDir, "bench.db")); err != nil {
			b.Fatal(err)
		}
		r := rand.New(rand.NewPCG(7, 8))
		for i := range benchApplications {
			benchApps = append(benchApps, genApplication(r, i))
		}
		start := time.Now()
		if err := benchStore.SaveApplications(ctx, benchApps); err != nil {
			b.Fatal(err)
		}
		b.Logf("inserted %d applications with %d attachments in %v", len(benchApps), 3*len(benchApps), time.Since(start).Round(time.Millisecond))
	})
	return benchStore
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchStore != nil {
		benchStore.Close()
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func BenchmarkQueue(b *testing.B) {
	s := benchDB(b)
	app := benchApps[4242]
	deadline := t0.AddDate(0, 0, -100)
	for _, bc := range []struct {
		name string
		f    data.ApplicationFilter
	}{
		{"first_review_queue", data.ApplicationFilter{LiaisonPointID: "lp07", Statuses: []data.Status{data.StatusLiaisonReview}}},
		{"counter_queue_3_statuses", data.ApplicationFilter{LiaisonPointID: "lp07", Statuses: []data.Status{data.StatusAwaitingPaper, data.StatusPaperDeficient, data.StatusAwaitingPayment}}},
		{"bureau_queue_all_points", data.ApplicationFilter{Statuses: []data.Status{data.StatusBureauReview}}},
		// As many waiting as a one-point desk of 300,000 holds (the issue's
		// 18,832): three statuses over every point.
		{"queue_3_statuses_all_points", data.ApplicationFilter{Statuses: []data.Status{data.StatusAwaitingPaper, data.StatusPaperDeficient, data.StatusAwaitingPayment}}},
		{"queue_page_20", data.ApplicationFilter{LiaisonPointID: "lp07", Statuses: []data.Status{data.StatusLiaisonReview}, Offset: 1000, Limit: 50}},
		{"deadlines", data.ApplicationFilter{DeadlineBefore: deadline}},
		{"search_number", data.ApplicationFilter{Search: app.No}},
		{"search_number_prefix", data.ApplicationFilter{Search: app.No[:8]}},
		{"search_id_number", data.ApplicationFilter{Search: app.IDNumber}},
		{"search_name_2_chars", data.ApplicationFilter{Search: "张伟"}},
		{"search_name_1_char", data.ApplicationFilter{Search: "伟"}},
		{"search_name_in_queue", data.ApplicationFilter{LiaisonPointID: "lp07", Statuses: []data.Status{data.StatusLiaisonReview}, Search: "张"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var total int
			for b.Loop() {
				var err error
				if _, total, err = s.FindApplications(ctx, bc.f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(total), "matches")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
		})
	}
	for _, lp := range []string{"lp07", ""} {
		b.Run("counts_by_status_"+map[string]string{"lp07": "one_point", "": "all"}[lp], func(b *testing.B) {
			for b.Loop() {
				if _, err := s.CountByStatus(ctx, lp); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
		})
	}
	b.Run("load_application", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ApplicationByNo(ctx, app.No); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
	})
}
