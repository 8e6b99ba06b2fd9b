package sync_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/testworld"
	tdsync "titledesk/sync"
)

// pass passes each application (liaison_pass at a counter, bureau_pass at
// the bureau) and returns the command IDs.
func pass(t *testing.T, d *app.Desk, apps []*data.Application) []string {
	t.Helper()
	action := data.ActionLiaisonPass
	if c := d.Clerk(); c != nil && c.Role == data.RoleBureau {
		action = data.ActionBureauPass
	}
	for _, a := range apps {
		if _, err := d.Do(context.Background(), data.Command{Action: action, ApplicationID: a.ID}); err != nil {
			t.Fatalf("pass %s: %v", a.No, err)
		}
	}
	return testworld.OutboxIDs(t, d)
}

func TestResponseLostAfterCommitAppliedOnce(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 3, "DLXH", data.StatusLiaisonReview)
	d := w.Desk(t, "DLXH", "chen")
	f := testworld.Inject(d)
	ids := pass(t, d, apps)

	// The server commits the batch, then the response is lost.
	f.Set(nil, func(r *http.Request, resp *http.Response) (*http.Response, error) {
		if testworld.IsPush(r) {
			resp.Body.Close()
			return nil, testworld.ErrOffline
		}
		return resp, nil
	})
	if err := d.Syncer().SyncOnce(context.Background()); !errors.Is(err, tdsync.ErrUnreachable) {
		t.Fatalf("sync with a lost response: %v", err)
	}
	if st := d.Syncer().Status(); st.Online || st.Pending != 3 || st.LastError == "" {
		t.Errorf("status after the loss: %+v", st)
	}
	f.Set(nil, nil)
	testworld.Drain(t, d)
	w.AssertOnce(t, ids)
	w.MatchesServer(t, d)
	for _, a := range apps {
		got, _ := w.DB.Application(context.Background(), a.ID)
		if got.Status != data.StatusBureauReview || got.Version != a.Version+1 {
			t.Errorf("%s: %s v%d, want bureau_review v%d", a.No, got.Status, got.Version, a.Version+1)
		}
	}
}

// TestFaultyNetworkSameOutcome duplicates, delays, drops and replays
// requests at random; once the network heals the server holds exactly what
// a clean run gives.
func TestFaultyNetworkSameOutcome(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 12, "DLXH", data.StatusLiaisonReview)
	d := w.Desk(t, "DLXH", "chen")
	f := testworld.Inject(d)
	rng := rand.New(rand.NewPCG(7, 11))
	var (
		mu    gosync.Mutex
		saved []*http.Request // earlier pushes, replayed later out of order
	)
	f.Set(func(r *http.Request) error {
		mu.Lock()
		defer mu.Unlock()
		time.Sleep(time.Duration(rng.IntN(5)) * time.Millisecond) // delay
		if rng.IntN(4) == 0 {
			return testworld.ErrOffline // dropped before the server
		}
		if testworld.IsPush(r) && rng.IntN(2) == 0 && r.GetBody != nil {
			// Duplicate now, and keep a copy to replay after later batches.
			dup := r.Clone(context.Background())
			dup.Body, _ = r.GetBody()
			saved = append(saved, dup)
			if resp, err := f.Next.RoundTrip(dup); err == nil {
				resp.Body.Close()
			}
		}
		if len(saved) > 1 && rng.IntN(3) == 0 {
			old := saved[rng.IntN(len(saved))]
			replay := old.Clone(context.Background())
			replay.Body, _ = old.GetBody()
			if resp, err := f.Next.RoundTrip(replay); err == nil {
				resp.Body.Close()
			}
		}
		return nil
	}, func(r *http.Request, resp *http.Response) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		if rng.IntN(4) == 0 {
			resp.Body.Close()
			return nil, testworld.ErrOffline // lost after the server acted
		}
		return resp, nil
	})

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
	ids := testworld.OutboxIDs(t, d)
	for i := 0; i < 10; i++ {
		d.Syncer().SyncOnce(context.Background())
	}
	f.Set(nil, nil)
	testworld.Drain(t, d)
	w.AssertOnce(t, ids)
	w.MatchesServer(t, d)
	for i, a := range apps {
		want := data.StatusBureauReview
		if i%3 == 0 {
			want = data.StatusReturnedToApplicant
		}
		got, _ := w.DB.Application(context.Background(), a.ID)
		if got.Status != want || got.Version != a.Version+1 {
			t.Errorf("%s: %s v%d, want %s v%d", a.No, got.Status, got.Version, want, a.Version+1)
		}
	}
}

func TestTwoDesksOfflineOneConflict(t *testing.T) {
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	d1, d2 := w.Desk(t, "DLXH", "chen"), w.Desk(t, "DLXH", "chen2")
	f1, f2 := testworld.Inject(d1), testworld.Inject(d2)
	offline := func(*http.Request) error { return testworld.ErrOffline }
	f1.Set(offline, nil)
	f2.Set(offline, nil)
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
	f1.Set(nil, nil)
	f2.Set(nil, nil)
	testworld.Drain(t, d1)
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
	if got, _ := w.DB.Application(ctx, a.ID); got.Status != data.StatusBureauReview || got.Version != a.Version+1 {
		t.Errorf("server: %s v%d", got.Status, got.Version)
	}
}

func TestScopeAcrossPoints(t *testing.T) {
	w := testworld.New(t)
	mine, theirs := w.Apps(t, 2, "DLXH", data.StatusLiaisonReview), w.Apps(t, 2, "JZXH", data.StatusLiaisonReview)
	d := w.Desk(t, "DLXH", "chen")
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
	b := w.Desk(t, "", "wang")
	if _, n, _ := b.Queue(ctx, data.ApplicationFilter{}); n != 4 {
		t.Errorf("bureau desk holds %d applications, want 4", n)
	}
}

func TestBlobDownloadResumesAndRefusesBadBytes(t *testing.T) {
	w := testworld.New(t)
	a := w.Apps(t, 1, "DLXH", data.StatusBureauReview)[0] // not prefetched by a clerk desk
	scan := make([]byte, 300_000)
	for i := range scan {
		scan[i] = byte(i * 7)
	}
	sum, _ := w.Blobs.Put(scan)
	a.Attachments[0].SHA256 = sum
	if err := w.DB.SaveApplications(context.Background(), []*data.Application{a}); err != nil {
		t.Fatal(err)
	}
	d := w.Desk(t, "DLXH", "chen")
	f := testworld.Inject(d)
	ctx := context.Background()
	var ranges []string
	cut := func(r *http.Request, resp *http.Response) (*http.Response, error) {
		ranges = append(ranges, r.Header.Get("Range"))
		resp.Body = &cutReader{r: resp.Body, left: 100_000}
		return resp, nil
	}
	f.Set(nil, cut)
	if err := d.Syncer().Client.DownloadBlob(ctx, d.Blobs(), sum); !errors.Is(err, tdsync.ErrUnreachable) {
		t.Fatalf("cut download: %v", err)
	}
	f.Set(nil, func(r *http.Request, resp *http.Response) (*http.Response, error) {
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
	sum2, _ := w.Blobs.Put([]byte(strings.Repeat("扫描件", 5000)))
	a.Attachments[0].SHA256 = sum2
	w.DB.SaveApplications(ctx, []*data.Application{a})
	f.Set(nil, func(r *http.Request, resp *http.Response) (*http.Response, error) {
		b, _ := io.ReadAll(resp.Body)
		b[10] ^= 0xFF
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
		return resp, nil
	})
	if err := d.Syncer().Client.DownloadBlob(ctx, d.Blobs(), sum2); data.ErrorCode(err) != data.EINVALID || d.Blobs().Has(sum2) {
		t.Fatalf("corrupt download: %v (stored: %v)", err, d.Blobs().Has(sum2))
	}
	f.Set(nil, nil)
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

// TestProtocolVersionMismatchTellsClerkToUpdate: a desk older than the
// server is told to update itself, one newer to have the server updated;
// once the versions match again, sync resumes.
func TestProtocolVersionMismatchTellsClerkToUpdate(t *testing.T) {
	w := testworld.New(t)
	d := w.Desk(t, "DLXH", "chen")
	f := testworld.Inject(d)
	for _, c := range []struct {
		version int
		says    string
	}{{tdsync.ProtocolVersion - 1, "请升级工作站软件"}, {tdsync.ProtocolVersion + 1, "请联系市局升级服务器"}} {
		f.Set(func(r *http.Request) error {
			r.Header.Set(tdsync.ProtocolHeader, fmt.Sprint(c.version))
			return nil
		}, nil)
		err := d.Syncer().SyncOnce(context.Background())
		st := d.Syncer().Status()
		if data.ErrorCode(err) != tdsync.EUPGRADE || !st.Upgrade || !strings.Contains(st.LastError, c.says) {
			t.Errorf("protocol %d: %v, status %+v", c.version, err, st)
		}
	}
	f.Set(nil, nil)
	if err := d.Syncer().SyncOnce(context.Background()); err != nil || d.Syncer().Status().Upgrade {
		t.Errorf("versions matching again: %v, status %+v", err, d.Syncer().Status())
	}
}

// TestOneSyncAtATime: 立即同步 tapped while the loop's round runs waits for
// it instead of running beside it (two rounds at once could record a pulled
// snapshot before the other had recorded its push's answers).
func TestOneSyncAtATime(t *testing.T) {
	w := testworld.New(t)
	w.Apps(t, 2, "DLXH", data.StatusLiaisonReview)
	desk := w.Desk(t, "DLXH", "chen")
	var inFlight, most atomic.Int32
	testworld.Inject(desk).Set(func(*http.Request) error {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		return nil
	}, func(_ *http.Request, resp *http.Response) (*http.Response, error) {
		inFlight.Add(-1)
		return resp, nil
	})
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- desk.Syncer().SyncOnce(context.Background()) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d requests in flight at once: two syncs ran together", m)
	}
}
