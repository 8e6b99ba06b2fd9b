package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/testworld"
	tdsync "titledesk/sync"
)

// exchange is one request as the server saw it: its path and the
// encodings of its body and of the answer.
type exchange struct{ path, sent, answered string }

// watch has the world's server note every exchange; a, when it
// returns true for a request, has answered it in place of the server.
func watch(w *testworld.World, a answer) func() []exchange {
	var (
		mu  gosync.Mutex
		log []exchange
	)
	w.Serve = func(rw http.ResponseWriter, r *http.Request, next http.Handler) {
		e := exchange{path: r.URL.Path, sent: r.Header.Get("Content-Encoding")}
		if a == nil || !a(rw, r, next) {
			next.ServeHTTP(rw, r)
		}
		e.answered = rw.Header().Get("Content-Encoding")
		mu.Lock()
		log = append(log, e)
		mu.Unlock()
	}
	return func() []exchange {
		mu.Lock()
		defer mu.Unlock()
		return append([]exchange(nil), log...)
	}
}

func count(log []exchange, path string) int {
	n := 0
	for _, e := range log {
		if strings.HasSuffix(e.path, path) {
			n++
		}
	}
	return n
}

// held is how many applications a desk holds.
func held(t *testing.T, d *app.Desk) int {
	t.Helper()
	counts, err := d.Store.CountByStatus(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// A new desk gets its point's applications in one snapshot, then pulls
// from there; from then on pull answers and pushes go compressed.
func TestInitialSnapshotThenCompressedSync(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 30, "DLXH", data.StatusLiaisonReview)
	w.Apps(t, 4, "JZXH", data.StatusLiaisonReview)
	log := watch(w, nil)
	d := w.Desk(t, "DLXH", "chen")
	if got := held(t, d); got != len(apps) {
		t.Fatalf("the new desk holds %d applications, want %d", got, len(apps))
	}
	w.MatchesServer(t, d)
	if n := count(log(), "/sync/snapshot"); n != 1 {
		t.Errorf("%d snapshot downloads, want 1", n)
	}
	ids := pass(t, d, apps[:3])
	testworld.Drain(t, d)
	w.AssertOnce(t, ids)
	w.MatchesServer(t, d)
	var pushes, pulls int
	for _, e := range log() {
		switch {
		case strings.HasSuffix(e.path, "/sync/push"):
			pushes++
			if e.sent != "zstd" {
				t.Errorf("a push went %q, want zstd", e.sent)
			}
		case strings.HasSuffix(e.path, "/sync/pull"):
			pulls++
			if e.answered != "zstd" {
				t.Errorf("a pull was answered %q, want zstd", e.answered)
			}
		}
	}
	if pushes == 0 || pulls == 0 {
		t.Errorf("%d pushes and %d pulls seen", pushes, pulls)
	}
}

// A server from before snapshots answers 404 without our error body: the
// desk pulls page by page instead.
func TestInitialSyncFromServerWithoutSnapshots(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 12, "DLXH", data.StatusLiaisonReview)
	log := watch(w, func(rw http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		if strings.HasSuffix(r.URL.Path, "/sync/snapshot") {
			http.NotFound(rw, r)
			return true
		}
		return false
	})
	d := w.Enrolled(t, "DLXH")
	if got := held(t, d); got != len(apps) {
		t.Fatalf("the desk holds %d applications, want %d", got, len(apps))
	}
	w.MatchesServer(t, d)
	if n := count(log(), "/sync/pull"); n == 0 {
		t.Error("no pulls: the applications came some other way")
	}
}

// writeHalf sends the first half of the server's real answer.
func writeHalf(rw http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		rw.Header()[k] = v
	}
	rw.WriteHeader(rec.Code)
	body := rec.Body.Bytes()
	rw.Write(body[:len(body)/2])
	rw.(http.Flusher).Flush()
}

// A snapshot broken off on the way applies nothing, tells the clerk so,
// and comes whole on the next round.
func TestInitialSnapshotBrokenOffComesAgain(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 12, "DLXH", data.StatusLiaisonReview)
	d := enrolledFresh(t, w, passOn)
	if fresh, err := d.Store.Fresh(context.Background()); err != nil || !fresh || held(t, d) != 0 {
		t.Fatalf("after a broken snapshot the desk holds %d applications (fresh %v, %v)", held(t, d), fresh, err)
	}
	if err := d.Syncer().SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := held(t, d); got != len(apps) {
		t.Fatalf("after the next round the desk holds %d applications, want %d", got, len(apps))
	}
	w.MatchesServer(t, d)
}

// A desk killed while its snapshot downloads starts again after restart,
// with no file of the first attempt left behind.
func TestInitialSnapshotKilledMidway(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 12, "DLXH", data.StatusLiaisonReview)
	midway := make(chan struct{})
	watch(w, firstSnapshot(func(rw http.ResponseWriter, r *http.Request, next http.Handler) bool {
		writeHalf(rw, r, next)
		close(midway)
		<-r.Context().Done() // the desk dies with its download half read
		return true
	}, passOn))
	code, err := w.DB.CreateEnrollment(context.Background(), data.RoleClerk, w.Points["DLXH"].ID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), enrollChildEnv+"="+strings.Join([]string{dir, w.Srv.URL, code, w.FP}, "|"))
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-midway:
	case <-time.After(30 * time.Second):
		child.Process.Kill()
		t.Fatal("the desk never asked for its snapshot")
	}
	time.Sleep(100 * time.Millisecond) // let it write part of the file
	child.Process.Kill()
	child.Wait()

	d, err := app.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := held(t, d); got != 0 {
		t.Fatalf("the killed desk holds %d applications", got)
	}
	if err := d.Syncer().SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := held(t, d); got != len(apps) {
		t.Fatalf("after restart the desk holds %d applications, want %d", got, len(apps))
	}
	w.MatchesServer(t, d)
	if left, _ := filepath.Glob(filepath.Join(dir, "snapshot-*")); len(left) != 0 {
		t.Errorf("files of the killed download left: %v", left)
	}
}

// A compressed body is limited by what it decompresses to: a small bomb
// is refused with a clear message, and so is a body that is not zstd.
func TestCompressedRequestLimits(t *testing.T) {
	w := testworld.New(t)
	d := w.Enrolled(t, "DLXH")
	c := d.Syncer().Client
	enc, _ := zstd.NewWriter(nil)
	bomb := enc.EncodeAll([]byte(`{"commands":[`+strings.Repeat(" ", 8<<20)+`]}`), nil)
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	for name, tc := range map[string]struct {
		body []byte
		want string
	}{
		"bomb":    {bomb, "请求过大"},
		"garbage": {[]byte("this is not zstd at all"), "请求格式不正确"},
	} {
		req, _ := http.NewRequest(http.MethodPost, w.Srv.URL+"/api/v1/sync/push", bytes.NewReader(tc.body))
		req.Header.Set(tdsync.ProtocolHeader, "3")
		req.Header.Set("Authorization", "Bearer "+c.Token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "zstd")
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var eb tdsync.ErrorBody
		json.NewDecoder(resp.Body).Decode(&eb)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(eb.Message, tc.want) {
			t.Errorf("%s: %s %+v, want 400 saying %s", name, resp.Status, eb, tc.want)
		}
	}
}

// answer is a world's server hook (see watch): true when it has answered
// the request itself.
type answer = func(rw http.ResponseWriter, r *http.Request, next http.Handler) bool

// passOn leaves the request to the server.
func passOn(http.ResponseWriter, *http.Request, http.Handler) bool { return false }

// breakOff sends half the server's answer and breaks the connection off.
func breakOff(rw http.ResponseWriter, r *http.Request, next http.Handler) bool {
	writeHalf(rw, r, next)
	panic(http.ErrAbortHandler)
}

// firstSnapshot has the first snapshot request answered by first and the
// ones after by then; other requests go to the server.
func firstSnapshot(first, then answer) answer {
	var once gosync.Once
	return func(rw http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !strings.HasSuffix(r.URL.Path, "/sync/snapshot") {
			return false
		}
		a := then
		once.Do(func() { a = first })
		return a(rw, r, next)
	}
}

// enrolledFresh is a desk enrolled at DLXH whose first snapshot broke
// off, telling the clerk so: it holds nothing yet, and its next round
// fetches the snapshot, answered by then.
func enrolledFresh(t *testing.T, w *testworld.World, then answer) *app.Desk {
	t.Helper()
	watch(w, firstSnapshot(breakOff, then))
	d, err := w.Enroll(t, "DLXH", 0)
	if err == nil || !strings.Contains(data.ErrorMessage(err), "初始数据不完整") {
		t.Fatalf("enrollment over a broken snapshot: %v", err)
	}
	return d
}

// A snapshot that takes longer than a request may, on a slow line, still
// comes whole as long as bytes keep coming; one that stops coming is given
// up, applies nothing, and says so.
func TestSnapshotOnASlowLine(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 12, "DLXH", data.StatusLiaisonReview)
	slow := enrolledFresh(t, w, func(rw http.ResponseWriter, r *http.Request, next http.Handler) bool {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		body := rec.Body.Bytes()
		for i := 0; i < 8; i++ { // 1.6 s in all, each part well within the stall limit
			rw.Write(body[len(body)*i/8 : len(body)*(i+1)/8])
			rw.(http.Flusher).Flush()
			time.Sleep(200 * time.Millisecond)
		}
		return true
	})
	slow.Syncer().Client.HTTP.Timeout = 800 * time.Millisecond
	if err := slow.Syncer().SyncOnce(context.Background()); err != nil {
		t.Fatalf("a slow but steady snapshot: %v", err)
	}
	if got := held(t, slow); got != len(apps) {
		t.Fatalf("after a slow snapshot the desk holds %d applications, want %d", got, len(apps))
	}

	stuck := enrolledFresh(t, w, func(rw http.ResponseWriter, r *http.Request, next http.Handler) bool {
		writeHalf(rw, r, next)
		<-r.Context().Done() // the line goes quiet
		return true
	})
	stuck.Syncer().Client.Stall = 300 * time.Millisecond
	err := stuck.Syncer().SyncOnce(context.Background())
	if err == nil || !strings.Contains(data.ErrorMessage(err), "初始数据不完整") {
		t.Fatalf("a snapshot that stopped coming: %v", err)
	}
	if got := held(t, stuck); got != 0 {
		t.Errorf("the stalled desk holds %d applications", got)
	}

	// A line quiet from the start is the line's fault: offline, tried
	// again later, not an internal error.
	mute := enrolledFresh(t, w, func(rw http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !strings.HasSuffix(r.URL.Path, "/sync/snapshot") {
			return false
		}
		<-r.Context().Done()
		return true
	})
	mute.Syncer().Client.Stall = 300 * time.Millisecond
	if err := mute.Syncer().SyncOnce(context.Background()); !errors.Is(err, tdsync.ErrUnreachable) {
		t.Errorf("a snapshot that never started coming: %v", err)
	}
	if got := held(t, mute); got != 0 {
		t.Errorf("the mute desk holds %d applications", got)
	}
}

// Snapshots are built a bounded number at a time: a desk that cannot get
// its turn within the wait is told to come back, and comes whole later.
func TestSnapshotsTakeTheirTurn(t *testing.T) {
	w := testworld.New(t)
	apps := w.Apps(t, 6, "DLXH", data.StatusLiaisonReview)
	w.API.SnapshotLimit, w.API.SnapshotWait = 1, 300*time.Millisecond
	first := enrolledFresh(t, w, passOn)
	second := enrolledFresh(t, w, passOn)

	// The first desk's snapshot holds its turn until released.
	building, release := make(chan struct{}), make(chan struct{})
	var released gosync.Once
	let := func() { released.Do(func() { close(release) }) }
	defer let() // a failure below must not leave the first desk waiting
	token := first.Syncer().Client.Token
	watch(w, func(rw http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !strings.HasSuffix(r.URL.Path, "/sync/snapshot") || r.Header.Get("Authorization") != "Bearer "+token {
			return false
		}
		next.ServeHTTP(holding{rw, building, release}, r)
		return true
	})
	done := make(chan error, 1)
	go func() { done <- first.Syncer().SyncOnce(context.Background()) }()
	<-building
	err := second.Syncer().SyncOnce(context.Background())
	if data.ErrorCode(err) != data.EBUSY || !strings.Contains(data.ErrorMessage(err), "稍后自动重试") {
		t.Fatalf("a snapshot past its turn: %v", err)
	}
	let()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := second.Syncer().SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*app.Desk{first, second} {
		if got := held(t, d); got != len(apps) {
			t.Errorf("a desk holds %d applications, want %d", got, len(apps))
		}
	}
}

// holding is a ResponseWriter that, at its first write, says so and waits.
type holding struct {
	http.ResponseWriter
	building chan struct{}
	release  chan struct{}
}

func (h holding) Write(p []byte) (int, error) {
	select {
	case <-h.building:
	default:
		close(h.building)
		<-h.release
	}
	return h.ResponseWriter.Write(p)
}
