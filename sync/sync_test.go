package sync_test

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"titledesk/app"
	"titledesk/data"
	tdsync "titledesk/sync"
)

// faults wraps a desk's transport. Each request is first given to before,
// which may fail it; after a real round trip, after may drop or change
// the response.
type faults struct {
	next   http.RoundTripper
	mu     gosync.Mutex
	before func(r *http.Request) error
	after  func(r *http.Request, resp *http.Response) (*http.Response, error)
}

func (f *faults) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	before, after := f.before, f.after
	f.mu.Unlock()
	if before != nil {
		if err := before(r); err != nil {
			return nil, err
		}
	}
	resp, err := f.next.RoundTrip(r)
	if err != nil || after == nil {
		return resp, err
	}
	return after(r, resp)
}

func (f *faults) set(before func(*http.Request) error, after func(*http.Request, *http.Response) (*http.Response, error)) {
	f.mu.Lock()
	f.before, f.after = before, after
	f.mu.Unlock()
}

func inject(d *app.Desk) *faults {
	c := d.Syncer().Client.HTTP
	f := &faults{next: c.Transport}
	c.Transport = f
	return f
}

var errOffline = errors.New("network unreachable (injected)")

func isPush(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/sync/push") }

// pass issues liaison_pass on each application and returns the command IDs.
func pass(t *testing.T, d *app.Desk, apps []*data.Application) []string {
	t.Helper()
	var ids []string
	for _, a := range apps {
		if _, err := d.Do(context.Background(), data.Command{Action: data.ActionLiaisonPass, ApplicationID: a.ID}); err != nil {
			t.Fatalf("pass %s: %v", a.No, err)
		}
	}
	entries, err := d.Store.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		ids = append(ids, e.Command.ID)
	}
	return ids
}

func assertOnce(t *testing.T, w *world, ids []string) {
	t.Helper()
	for id, n := range w.commandsOnServer(t, ids) {
		if n != 1 {
			t.Errorf("command %s applied %d times", id, n)
		}
	}
}

func TestResponseLostAfterCommitAppliedOnce(t *testing.T) {
	w := newWorld(t)
	apps := w.apps(t, 3, "DLXH", data.StatusLiaisonReview)
	d := w.desk(t, "DLXH", "chen")
	f := inject(d)
	ids := pass(t, d, apps)

	// The server commits the batch, then the response is lost.
	f.set(nil, func(r *http.Request, resp *http.Response) (*http.Response, error) {
		if isPush(r) {
			resp.Body.Close()
			return nil, errOffline
		}
		return resp, nil
	})
	if err := d.Syncer().SyncOnce(context.Background()); !errors.Is(err, tdsync.ErrUnreachable) {
		t.Fatalf("sync with a lost response: %v", err)
	}
	if st := d.Syncer().Status(); st.Online || st.Pending != 3 || st.LastError == "" {
		t.Errorf("status after the loss: %+v", st)
	}
	f.set(nil, nil)
	drain(t, d)
	assertOnce(t, w, ids)
	w.matchesServer(t, d)
	for _, a := range apps {
		got, _ := w.db.Application(context.Background(), a.ID)
		if got.Status != data.StatusBureauReview || got.Version != a.Version+1 {
			t.Errorf("%s: %s v%d, want bureau_review v%d", a.No, got.Status, got.Version, a.Version+1)
		}
	}
}

// TestFaultyNetworkSameOutcome duplicates, delays, drops and replays
// requests at random; once the network heals the server holds exactly what
// a clean run gives.
func TestFaultyNetworkSameOutcome(t *testing.T) {
	w := newWorld(t)
	apps := w.apps(t, 12, "DLXH", data.StatusLiaisonReview)
	d := w.desk(t, "DLXH", "chen")
	f := inject(d)
	rng := rand.New(rand.NewPCG(7, 11))
	var (
		mu    gosync.Mutex
		saved []*http.Request // earlier pushes, replayed later out of order
	)
	f.set(func(r *http.Request) error {
		mu.Lock()
		defer mu.Unlock()
		time.Sleep(time.Duration(rng.IntN(5)) * time.Millisecond) // delay
		if rng.IntN(4) == 0 {
			return errOffline // dropped before the server
		}
		if isPush(r) && rng.IntN(2) == 0 && r.GetBody != nil {
			// Duplicate now, and keep a copy to replay after later batches.
			dup := r.Clone(context.Background())
			dup.Body, _ = r.GetBody()
			saved = append(saved, dup)
			if resp, err := f.next.RoundTrip(dup); err == nil {
				resp.Body.Close()
			}
		}
		if len(saved) > 1 && rng.IntN(3) == 0 {
			old := saved[rng.IntN(len(saved))]
			replay := old.Clone(context.Background())
			replay.Body, _ = old.GetBody()
			if resp, err := f.next.RoundTrip(replay); err == nil {
				resp.Body.Close()
			}
		}
		return nil
	}, func(r *http.Request, resp *http.Response) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		if rng.IntN(4) == 0 {
			resp.Body.Close()
			return nil, errOffline // lost after the server acted
		}
		return resp, nil
	})

	var ids []string
	for i, a := range apps {
		cmd := data.Command{Action: data.ActionLiaisonPass, ApplicationID: a.ID}
		if i%3 == 0 {
			cmd = data.Command{Action: data.ActionLiaisonReturn, ApplicationID: a.ID, ReturnTo: data.ReturnToApplicant, Reasons: []string{"扫描件不清晰或不完整"}}
		}
		if _, err := d.Do(context.Background(), cmd); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			d.Syncer().SyncOnce(context.Background()) // errors are the point
		}
	}
	entries, _ := d.Store.Outbox(context.Background())
	for _, e := range entries {
		ids = append(ids, e.Command.ID)
	}
	for i := 0; i < 10; i++ {
		d.Syncer().SyncOnce(context.Background())
	}
	f.set(nil, nil)
	drain(t, d)
	assertOnce(t, w, ids)
	w.matchesServer(t, d)
	for i, a := range apps {
		want := data.StatusBureauReview
		if i%3 == 0 {
			want = data.StatusReturnedToApplicant
		}
		got, _ := w.db.Application(context.Background(), a.ID)
		if got.Status != want || got.Version != a.Version+1 {
			t.Errorf("%s: %s v%d, want %s v%d", a.No, got.Status, got.Version, want, a.Version+1)
		}
	}
}

func TestTwoDesksOfflineOneConflict(t *testing.T) {
	w := newWorld(t)
	a := w.apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	d1, d2 := w.desk(t, "DLXH", "chen"), w.desk(t, "DLXH", "chen2")
	f1, f2 := inject(d1), inject(d2)
	offline := func(*http.Request) error { return errOffline }
	f1.set(offline, nil)
	f2.set(offline, nil)
	ctx := context.Background()
	if _, err := d1.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: a.ID}); err != nil {
		t.Fatal(err)
	}
	v2, err := d2.Do(ctx, data.Command{Action: data.ActionLiaisonReturn, ApplicationID: a.ID, ReturnTo: data.ReturnToUnit, Reasons: []string{"公示期不足5个工作日"}})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Status != data.StatusReturnedToUnit || len(v2.Pending) != 1 {
		t.Errorf("offline view: %s with %d pending, want the return laid over the snapshot", v2.Status, len(v2.Pending))
	}
	f1.set(nil, nil)
	f2.set(nil, nil)
	drain(t, d1)
	if err := d2.Syncer().SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if st := d2.Syncer().Status(); st.Refused != 1 || st.Pending != 0 {
		t.Errorf("second desk status %+v, want one refused", st)
	}
	v, err := d2.View(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != data.StatusBureauReview || len(v.Refused) != 1 || v.Refused[0].State != data.StateConflict || v.Refused[0].Message == "" {
		t.Fatalf("conflict not shown beside the server state: %s %+v", v.Status, v.Refused)
	}
	// The clerk lets it go; it stays on record as discarded.
	if err := d2.Discard(ctx, v.Refused[0].Seq); err != nil {
		t.Fatal(err)
	}
	if v, _ = d2.View(ctx, a.ID); len(v.Refused) != 0 {
		t.Errorf("discarded command still shown: %+v", v.Refused)
	}
	if got, _ := w.db.Application(ctx, a.ID); got.Status != data.StatusBureauReview || got.Version != a.Version+1 {
		t.Errorf("server: %s v%d", got.Status, got.Version)
	}
}

func TestScopeAcrossPoints(t *testing.T) {
	w := newWorld(t)
	mine, theirs := w.apps(t, 2, "DLXH", data.StatusLiaisonReview), w.apps(t, 2, "JZXH", data.StatusLiaisonReview)
	d := w.desk(t, "DLXH", "chen")
	ctx := context.Background()
	for _, a := range mine {
		if _, err := d.View(ctx, a.ID); err != nil {
			t.Errorf("own application %s not pulled: %v", a.No, err)
		}
		if !d.Blobs().Has(a.Attachments[0].SHA256) {
			t.Errorf("scan of %s not prefetched", a.No)
		}
	}
	for _, a := range theirs {
		if _, err := d.View(ctx, a.ID); data.ErrorCode(err) != data.ENOTFOUND {
			t.Errorf("another point's application %s reached this desk: %v", a.No, err)
		}
		if _, err := d.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: a.ID}); data.ErrorCode(err) != data.ENOTFOUND {
			t.Errorf("acted on another point's application: %v", err)
		}
		err := d.Syncer().Client.DownloadBlob(ctx, d.Blobs(), a.Attachments[0].SHA256)
		if data.ErrorCode(err) != data.ENOTFOUND {
			t.Errorf("downloaded another point's scan: %v", err)
		}
	}
	// A bureau desk sees both points.
	b := w.desk(t, "", "wang")
	if _, n, _ := b.Queue(ctx, data.ApplicationFilter{}); n != 4 {
		t.Errorf("bureau desk holds %d applications, want 4", n)
	}
}

func TestBlobDownloadResumesAndRefusesBadBytes(t *testing.T) {
	w := newWorld(t)
	a := w.apps(t, 1, "DLXH", data.StatusBureauReview)[0] // not prefetched by a clerk desk
	scan := make([]byte, 300_000)
	for i := range scan {
		scan[i] = byte(i * 7)
	}
	sum, _ := w.blobs.Put(scan)
	a.Attachments[0].SHA256 = sum
	if err := w.db.SaveApplications(context.Background(), []*data.Application{a}); err != nil {
		t.Fatal(err)
	}
	d := w.desk(t, "DLXH", "chen")
	f := inject(d)
	ctx := context.Background()
	var ranges []string
	cut := func(r *http.Request, resp *http.Response) (*http.Response, error) {
		ranges = append(ranges, r.Header.Get("Range"))
		resp.Body = &cutReader{r: resp.Body, left: 100_000}
		return resp, nil
	}
	f.set(nil, cut)
	if err := d.Syncer().Client.DownloadBlob(ctx, d.Blobs(), sum); !errors.Is(err, tdsync.ErrUnreachable) {
		t.Fatalf("cut download: %v", err)
	}
	f.set(nil, func(r *http.Request, resp *http.Response) (*http.Response, error) {
		ranges = append(ranges, r.Header.Get("Range"))
		return resp, nil
	})
	if err := d.Syncer().Client.DownloadBlob(ctx, d.Blobs(), sum); err != nil {
		t.Fatal(err)
	}
	if len(ranges) != 2 || ranges[0] != "" || ranges[1] != "bytes=100000-" {
		t.Errorf("requests sent ranges %q, want a resume from byte 100000", ranges)
	}
	got, _ := os.ReadFile(d.Blobs().Path(sum))
	if string(got) != string(scan) {
		t.Error("resumed download differs from the blob")
	}

	// Bytes that do not hash to the name are refused and fetched again.
	sum2, _ := w.blobs.Put([]byte(strings.Repeat("扫描件", 5000)))
	a.Attachments[0].SHA256 = sum2
	w.db.SaveApplications(ctx, []*data.Application{a})
	f.set(nil, func(r *http.Request, resp *http.Response) (*http.Response, error) {
		b, _ := io.ReadAll(resp.Body)
		b[10] ^= 0xFF
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
		return resp, nil
	})
	if err := d.Syncer().Client.DownloadBlob(ctx, d.Blobs(), sum2); data.ErrorCode(err) != data.EINVALID || d.Blobs().Has(sum2) {
		t.Fatalf("corrupt download: %v (stored: %v)", err, d.Blobs().Has(sum2))
	}
	f.set(nil, nil)
	if err := d.Syncer().Client.DownloadBlob(ctx, d.Blobs(), sum2); err != nil || !d.Blobs().Has(sum2) {
		t.Fatalf("fetch after a corrupt one: %v", err)
	}
}

// cutReader ends a body with an error after left bytes, as a dropped
// connection does.
type cutReader struct {
	r    io.ReadCloser
	left int
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= n
	return n, err
}

func (c *cutReader) Close() error { return c.r.Close() }

func TestProtocolVersionMismatchTellsClerkToUpdate(t *testing.T) {
	w := newWorld(t)
	d := w.desk(t, "DLXH", "chen")
	f := inject(d)
	f.set(func(r *http.Request) error {
		r.Header.Set(tdsync.ProtocolHeader, "0")
		return nil
	}, nil)
	err := d.Syncer().SyncOnce(context.Background())
	st := d.Syncer().Status()
	if data.ErrorCode(err) != tdsync.EUPGRADE || !st.Upgrade || !strings.Contains(st.LastError, "升级") {
		t.Fatalf("old protocol: %v, status %+v", err, st)
	}
}
