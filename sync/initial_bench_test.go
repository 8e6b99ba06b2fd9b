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
	status, _ := os.ReadFile("/proc/self/status")
	hwm := ""
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	json.NewEncoder(os.Stdout).Encode(map[string]string{"seconds": fmt.Sprint(time.Since(start).Seconds()), "peak_rss": hwm})
}

// BenchmarkInitialSync enrolls a clerk desk whose point holds 100,000
// applications and reports the time and the peak resident memory of the
// workstation process for the whole initial pull.
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
			a.No, a.Version, a.Status = fmt.Sprintf("2026%06d", i+k), 9, data.StatusPaid
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
		b.Logf("initial sync of %d applications: %s s, peak RSS %s", n, r["seconds"], r["peak_rss"])
	}
}
