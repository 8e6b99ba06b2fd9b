package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"titledesk/app"
	"titledesk/data"
	"titledesk/demo"
	"titledesk/internal/testworld"
)

// history is how a paid application got there.
var history = []struct {
	action   data.Action
	from, to data.Status
}{
	{data.ActionSubmit, data.StatusDraft, data.StatusUnitReview},
	{data.ActionUnitApprove, data.StatusUnitReview, data.StatusLiaisonReview},
	{data.ActionLiaisonPass, data.StatusLiaisonReview, data.StatusBureauReview},
	{data.ActionBureauPass, data.StatusBureauReview, data.StatusAwaitingPaper},
	{data.ActionPaperAccept, data.StatusAwaitingPaper, data.StatusAwaitingPayment},
	{data.ActionPaymentRecord, data.StatusAwaitingPayment, data.StatusPaid},
}

// enrollChildEnv carries "dir|url|code|fingerprint" to a child process that
// enrolls a fresh desk and reports its peak memory.
const enrollChildEnv = "TITLEDESK_ENROLL_CHILD"

// enrollChild runs the initial sync in its own process, so the peak
// resident memory it reports is the workstation's alone.
func enrollChild(arg string) {
	p := strings.Split(arg, "|")
	start := time.Now()
	d, err := app.Open(p[0])
	if err == nil {
		err = d.Enroll(context.Background(), p[1], p[2], p[3], "bench")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	counts, err := d.Store.CountByStatus(context.Background(), "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	held := 0
	for _, n := range counts {
		held += n
	}
	status, _ := os.ReadFile("/proc/self/status")
	hwm := ""
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	json.NewEncoder(os.Stdout).Encode(map[string]string{"seconds": fmt.Sprint(time.Since(start).Seconds()), "peak_rss": hwm, "held": fmt.Sprint(held)})
}

// BenchmarkInitialSync enrolls a clerk desk whose point holds 100,000
// paid applications, each with the history that brought it there (so each
// is in the point's scope, as a real one is), and reports the time and
// the peak resident memory of the workstation process for the whole
// initial pull; it fails unless the desk holds every one of them.
func BenchmarkInitialSync(b *testing.B) {
	w := testworld.New(b)
	const n = 100_000
	ctx := context.Background()
	point := w.Points["DLXH"]
	for i := 0; i < n; i += 1000 {
		batch := make([]*data.Application, 1000)
		for k := range batch {
			a := demo.Application(i+k, point, demo.Unit(i+k), []data.Attachment{{ID: "s1", Kind: "居民身份证", FileName: "id.jpg",
				SHA256: fmt.Sprintf("%064x", i+k), ContentType: "image/jpeg"}})
			a.No, a.Status = fmt.Sprintf("2026%06d", i+k), data.StatusPaid
			at := time.Now().AddDate(0, 0, -30)
			for _, step := range history {
				a.Decisions = append(a.Decisions, data.Decision{Action: step.action, From: step.from, To: step.to, ActorID: "c1", ActorName: "陈晓敏",
					Role: data.RoleClerk, At: at})
				at = at.Add(24 * time.Hour)
			}
			a.Version = int64(len(a.Decisions) + 1)
			batch[k] = a
		}
		if err := w.DB.SaveApplications(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		code, err := w.DB.CreateEnrollment(ctx, data.RoleClerk, point.ID, time.Hour, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), enrollChildEnv+"="+strings.Join([]string{b.TempDir(), w.Srv.URL, code, w.FP}, "|"))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatal(err)
		}
		var r map[string]string
		if err := json.Unmarshal(out, &r); err != nil {
			b.Fatalf("child said %q: %v", out, err)
		}
		if r["held"] != fmt.Sprint(n) {
			b.Fatalf("the desk holds %s applications after its initial sync, want %d", r["held"], n)
		}
		b.Logf("initial sync of %d applications: %s s, peak RSS %s", n, r["seconds"], r["peak_rss"])
	}
}
