package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/sqlite"
	"titledesk/demo"
	tdsync "titledesk/sync"
)

// lockedBuffer is a bytes.Buffer safe to write from the server's goroutines.
type lockedBuffer struct {
	mu gosync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// cli runs one sub-command in-process, as the binary would.
func cli(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out, errb lockedBuffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errb, stdin: strings.NewReader(stdin),
		log: slog.New(slog.NewTextHandler(&errb, nil))}
	code := run(e, args)
	return out.String() + errb.String(), code
}

func mustCLI(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, code := cli(t, stdin, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, out)
	}
	return out
}

// server is a titledesk-server serve running in-process on a loopback port.
type server struct {
	url  string
	log  *lockedBuffer
	stop context.CancelFunc
	done chan int
}

func startServer(t *testing.T, dir string, extra ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	e := &env{ctx: ctx, stdout: pw, stderr: logs, stdin: strings.NewReader(""), log: slog.New(slog.NewJSONHandler(logs, nil))}
	s := &server{log: logs, stop: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(e, append([]string{"serve", "-data", dir, "-addr", "127.0.0.1:0"}, extra...))
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("server did not start: %v\n%s", err, logs)
	}
	go io.Copy(io.Discard, pr)
	s.url = strings.TrimSpace(strings.TrimPrefix(line, "serving on "))
	t.Cleanup(func() { s.shutdown(t) })
	return s
}

// shutdown stops the server as SIGTERM would and waits for a clean exit.
func (s *server) shutdown(t *testing.T) {
	if s.stop == nil {
		return
	}
	s.stop()
	s.stop = nil
	select {
	case code := <-s.done:
		if code != 0 {
			t.Errorf("serve exited %d:\n%s", code, s.log)
		}
	case <-time.After(30 * time.Second):
		t.Error("serve did not shut down")
	}
}

// bureau is an initialised server data folder with two liaison points
// (DLXH and JZXH), a clerk at each, a reviewer and their passwords.
type bureau struct {
	dir, fingerprint string
}

func newBureau(t *testing.T) *bureau {
	dir := filepath.Join(t.TempDir(), "server")
	out := mustCLI(t, "", "init", "-data", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	b := &bureau{dir: dir, fingerprint: lines[len(lines)-1]}
	mustCLI(t, "", "admin", "point-add", "-data", dir, "-code", "DLXH", "-name", "东莞市电力行业协会", "-place", "南城街道")
	mustCLI(t, "", "admin", "point-add", "-data", dir, "-code", "JZXH", "-name", "东莞市建筑行业协会", "-place", "东城街道")
	mustCLI(t, "柜台密码chen2026\n", "admin", "user-add", "-data", dir, "-login", "chen", "-name", "陈晓敏", "-point", "DLXH")
	mustCLI(t, "柜台密码li2026\n", "admin", "user-add", "-data", dir, "-login", "li", "-name", "李志强", "-point", "JZXH")
	mustCLI(t, "复审密码wang2026\n", "admin", "user-add", "-data", dir, "-login", "wang", "-name", "王立新", "-role", "bureau")
	return b
}

func (b *bureau) store(t *testing.T) *sqlite.Store {
	t.Helper()
	db, _, err := openStore(context.Background(), folder(b.dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// device is an enrolled workstation as the wire sees it.
type device struct {
	c   *tdsync.Client
	dev data.Device
	seq int64
}

func (b *bureau) enroll(t *testing.T, url, role, point string) *device {
	t.Helper()
	args := []string{"admin", "enroll", "-data", b.dir, "-role", role}
	if point != "" {
		args = append(args, "-point", point)
	}
	code := strings.TrimSpace(mustCLI(t, "", args...))
	httpc, err := tdsync.PinnedClient(b.fingerprint, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	c := &tdsync.Client{BaseURL: url, HTTP: httpc}
	resp, err := c.Enroll(context.Background(), tdsync.EnrollRequest{Code: code, PublicKey: pub, Hostname: "柜台1"})
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	if _, err := c.Enroll(context.Background(), tdsync.EnrollRequest{Code: code, PublicKey: pub}); data.ErrorCode(err) != data.EUNAUTHORIZED {
		t.Fatalf("a used enrollment code: %v, want unauthorized", err)
	}
	c.Token = resp.Token
	return &device{c: c, dev: resp.Device}
}

// push sends one command as clerk and returns its outcome.
func (d *device) push(t *testing.T, cmd data.Command) data.CommandResult {
	t.Helper()
	d.seq++
	cmd.ID = uuid.NewString()
	resp, err := d.c.Push(context.Background(), []data.PushedCommand{{Seq: d.seq, At: time.Now(), Command: cmd}})
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	if len(resp.Results) != 1 || resp.AckedSeq != d.seq {
		t.Fatalf("push answered %+v", resp)
	}
	return resp.Results[0]
}

// pullAll pulls every change the device may see.
func (d *device) pullAll(t *testing.T) map[string][]data.Change {
	t.Helper()
	out := map[string][]data.Change{}
	cursor := int64(0)
	for {
		resp, err := d.c.Pull(context.Background(), cursor, 50)
		if err != nil {
			t.Fatalf("pull: %v", err)
		}
		for _, c := range resp.Changes {
			out[c.Kind] = append(out[c.Kind], c)
		}
		cursor = resp.Cursor
		if !resp.More {
			return out
		}
	}
}

var (
	applicantSeq gosync.Mutex
	applicantN   int
)

// submitted makes an application through the applicant's and the unit's
// commands, up to liaison_review at the point with that code.
func submitted(t *testing.T, db *sqlite.Store, pointCode string) *data.Application {
	t.Helper()
	return submittedWith(t, db, pointCode, func(*demo.Person) data.Attachment {
		return data.Attachment{ID: "a1", Kind: "居民身份证", FileName: "id.jpg", SHA256: strings.Repeat("ab", 32), Size: 1000, ContentType: "image/jpeg"}
	})
}

// submittedWith is submitted with the scan scan makes for the applicant.
func submittedWith(t *testing.T, db *sqlite.Store, pointCode string, scan func(*demo.Person) data.Attachment) *data.Application {
	t.Helper()
	ctx := context.Background()
	p, err := db.LiaisonPointByCode(ctx, pointCode)
	if err != nil {
		t.Fatal(err)
	}
	applicantSeq.Lock()
	applicantN++
	n := applicantN
	applicantSeq.Unlock()
	a := demo.Application(n, p, demo.Unit(n), nil)
	a.Attachments = []data.Attachment{scan(&demo.Person{Seq: n, Name: a.Name, IDNumber: a.IDNumber, Unit: a.UnitName, Major: a.Major})}
	if err := demo.Create(ctx, db, a, time.Now().AddDate(0, 0, -60)); err != nil {
		t.Fatal(err)
	}
	a, err = demo.Drive(ctx, db, a, data.StatusLiaisonReview, demo.Cast{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func clerkActor(t *testing.T, db *sqlite.Store, login string) data.Actor {
	t.Helper()
	c, err := db.ClerkByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return c.Actor()
}

func TestServerScopesEnrollmentAndPush(t *testing.T) {
	b := newBureau(t)
	srv := startServer(t, b.dir)
	db := b.store(t)
	appA, appB := submitted(t, db, "DLXH"), submitted(t, db, "JZXH")
	devA := b.enroll(t, srv.url, "clerk", "DLXH")
	chen, li := clerkActor(t, db, "chen"), clerkActor(t, db, "li")

	// A's clerk passes A's application.
	r := devA.push(t, data.Command{Action: data.ActionLiaisonPass, ApplicationID: appA.ID, ExpectedVersion: appA.Version, Actor: chen})
	if r.State != data.StateApplied || r.Version != appA.Version+1 {
		t.Fatalf("pass on own point: %+v", r)
	}
	// A's device cannot act on B's application, not even with B's clerk.
	for _, actor := range []data.Actor{chen, li} {
		r := devA.push(t, data.Command{Action: data.ActionLiaisonPass, ApplicationID: appB.ID, ExpectedVersion: appB.Version, Actor: actor})
		if r.State != data.StateRejected || r.Code != data.EFORBIDDEN {
			t.Errorf("A's device on B's application as %s: %+v", actor.Name, r)
		}
	}
	if got, _ := db.Application(context.Background(), appB.ID); got.Version != appB.Version {
		t.Errorf("B's application changed: v%d", got.Version)
	}
	// A stale version is a conflict.
	r = devA.push(t, data.Command{Action: data.ActionClaim, ApplicationID: appA.ID, Actor: chen})
	if r.State != data.StateRejected {
		t.Errorf("claim after pass (bureau's turn): %+v", r)
	}

	// A's pull holds A's application and clerk, none of B's, no reviewers.
	changes := devA.pullAll(t)
	ids := map[string]bool{}
	for _, c := range changes[data.ChangeApplication] {
		ids[c.ID] = true
	}
	if !ids[appA.ID] || ids[appB.ID] {
		t.Errorf("A's device pulled applications %v", ids)
	}
	var logins []string
	for _, c := range changes[data.ChangeClerk] {
		var cl data.Clerk
		json.Unmarshal(c.Data, &cl)
		logins = append(logins, cl.Login)
	}
	if strings.Join(logins, ",") != "chen" {
		t.Errorf("A's device pulled clerks %v, want only chen", logins)
	}
	for _, kind := range []string{data.ChangeReasons, data.ChangeFees, data.ChangePoint, data.ChangeDeviceKey} {
		if len(changes[kind]) == 0 {
			t.Errorf("no %s in the pull", kind)
		}
	}

	// A bureau device sees both applications.
	devR := b.enroll(t, srv.url, "bureau", "")
	ids = map[string]bool{}
	for _, c := range devR.pullAll(t)[data.ChangeApplication] {
		ids[c.ID] = true
	}
	if !ids[appA.ID] || !ids[appB.ID] {
		t.Errorf("bureau device pulled %v", ids)
	}

	// The request log names the device and never holds its token.
	if logs := srv.log.String(); !strings.Contains(logs, `"who":"`+devA.dev.Code+`"`) || strings.Contains(logs, devA.c.Token) {
		t.Errorf("request log lacks the device or leaks its token:\n%s", logs)
	}

	// A replayed seq returns the stored outcome; the same seq for another
	// command (a desk restored from an older copy) is refused as such; a gap
	// is refused.
	stored, err := db.CommandResults(context.Background(), devA.dev.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := devA.c.Push(context.Background(), []data.PushedCommand{{Seq: 1, Command: data.Command{ID: stored[0].CommandID}}})
	if err != nil || resp.Results[0] != stored[0] {
		t.Errorf("replay of seq 1: %+v %v, want %+v", resp, err, stored[0])
	}
	if _, err := devA.c.Push(context.Background(), []data.PushedCommand{{Seq: 1, Command: data.Command{ID: "other"}}}); data.ErrorCode(err) != data.ESEQREUSED {
		t.Errorf("seq 1 for another command: %v, want %s", err, data.ESEQREUSED)
	}
	if _, err := devA.c.Push(context.Background(), []data.PushedCommand{{Seq: devA.seq + 2}}); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("gap: %v, want invalid", err)
	}
}

func TestServerRefusesBadRequests(t *testing.T) {
	b := newBureau(t)
	srv := startServer(t, b.dir)
	db := b.store(t)
	app := submitted(t, db, "DLXH")
	dev := b.enroll(t, srv.url, "clerk", "DLXH")
	chen := clerkActor(t, db, "chen")
	httpc, _ := tdsync.PinnedClient(b.fingerprint, 10*time.Second)
	good, _ := json.Marshal(tdsync.PushRequest{Commands: []data.PushedCommand{{Seq: 1, Command: data.Command{
		ID: "c1", Action: data.ActionLiaisonPass, ApplicationID: app.ID, ExpectedVersion: app.Version, Actor: chen}}}})
	cur := fmt.Sprint(tdsync.ProtocolVersion)

	for _, tc := range []struct {
		name, token, protocol string
		body                  []byte
		status                int
	}{
		{"missing token", "", cur, good, http.StatusUnauthorized},
		{"wrong token", "nope", cur, good, http.StatusUnauthorized},
		{"old protocol", dev.c.Token, fmt.Sprint(tdsync.ProtocolVersion - 1), good, http.StatusUpgradeRequired},
		{"bad JSON", dev.c.Token, cur, []byte(`{"commands": [`), http.StatusBadRequest},
		{"unknown field", dev.c.Token, cur, []byte(`{"commands": [], "evil": 1}`), http.StatusBadRequest},
		{"trailing data", dev.c.Token, cur, append(append([]byte{}, good...), []byte(`{}`)...), http.StatusBadRequest},
		{"oversized body", dev.c.Token, cur, append([]byte(`{"commands": [`), bytes.Repeat([]byte(" "), 5<<20)...), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.url+"/api/v1/sync/push", bytes.NewReader(tc.body))
			req.Header.Set(tdsync.ProtocolHeader, tc.protocol)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := httpc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var eb tdsync.ErrorBody
			if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || eb.Code == "" || eb.Message == "" {
				t.Errorf("error body not JSON with code and message: %v %+v", err, eb)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d (%+v)", resp.StatusCode, tc.status, eb)
			}
		})
	}
	if got, _ := db.Application(context.Background(), app.ID); got.Version != app.Version {
		t.Errorf("a refused request changed the application to v%d", got.Version)
	}
	if devs, _ := db.Devices(context.Background()); devs[0].AckedSeq != 0 {
		t.Errorf("a refused request advanced the device to seq %d", devs[0].AckedSeq)
	}
}

func TestServerWrongFingerprintRefused(t *testing.T) {
	b := newBureau(t)
	srv := startServer(t, b.dir)
	other := newBureau(t)
	httpc, _ := tdsync.PinnedClient(other.fingerprint, 5*time.Second)
	c := &tdsync.Client{BaseURL: srv.url, HTTP: httpc}
	_, err := c.Enroll(context.Background(), tdsync.EnrollRequest{Code: "X", PublicKey: make([]byte, 32)})
	if data.ErrorCode(err) != data.EUNAUTHORIZED || !strings.Contains(data.ErrorMessage(err), "指纹不符") {
		t.Fatalf("another server's fingerprint: %v", err)
	}
}

// gateway is a fake SMS gateway that fails every third call and, as real
// gateways do, accepts each Idempotency-Key once.
type gateway struct {
	mu        gosync.Mutex
	calls     int
	delivered map[string]int
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	if g.calls%3 == 0 {
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	g.delivered[r.Header.Get("Idempotency-Key")]++
	w.Write([]byte(`{"ok":true}`))
}

func (g *gateway) count() (calls, keys int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls, len(g.delivered)
}

func TestServerSMSDeliveredOnceThroughFailuresAndRestart(t *testing.T) {
	b := newBureau(t)
	gw := &gateway{delivered: map[string]int{}}
	fake := httptest.NewServer(gw)
	defer fake.Close()
	db := b.store(t)
	reviewer := clerkActor(t, db, "wang")
	cal, _ := db.Calendar(context.Background())
	const n = 12
	for i := 0; i < n; i++ {
		a := submitted(t, db, "DLXH")
		for _, c := range []data.Command{
			{Action: data.ActionLiaisonPass, Actor: clerkActor(t, db, "chen"), ExpectedVersion: a.Version},
			{Action: data.ActionBureauPass, Actor: reviewer, ExpectedVersion: a.Version + 1},
		} {
			c.ID, c.ApplicationID = uuid.NewString(), a.ID
			if _, err := db.Apply(context.Background(), c, data.Env{Now: time.Now(), Calendar: cal}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Each application texted its unit at 送审 and its applicant at each pass.
	pending, err := db.PendingSMS(context.Background(), time.Now(), 1000)
	if err != nil || len(pending) < 2*n {
		t.Fatalf("%d messages queued for %d applications: %v", len(pending), n, err)
	}
	want := len(pending)
	args := []string{"-sms-gateway", fake.URL, "-sms-retry", "20ms"}
	srv := startServer(t, b.dir, args...)
	waitFor(t, func() bool { calls, _ := gw.count(); return calls >= want/2 })
	srv.shutdown(t)
	startServer(t, b.dir, args...)
	waitFor(t, func() bool { _, keys := gw.count(); return keys == want })
	time.Sleep(200 * time.Millisecond) // room for a wrong resend to show
	gw.mu.Lock()
	defer gw.mu.Unlock()
	for key, times := range gw.delivered {
		if times != 1 {
			t.Errorf("message %s delivered %d times", key, times)
		}
	}
	if gw.calls <= want {
		t.Errorf("%d gateway calls for %d messages: the failures were not retried", gw.calls, want)
	}
	msgs, _ := db.SMSLog(context.Background(), 100)
	sent := 0
	for _, m := range msgs {
		switch {
		case m.Mobile == "": // a unit without a contact mobile: in the portal only
		case m.SentAt.IsZero():
			t.Errorf("sms %d not marked sent: %+v", m.ID, m)
		default:
			sent++
		}
	}
	if sent != want || !strings.Contains(msgs[0].Text, "复审") {
		t.Errorf("sms log: %d of %d sent, first %q", sent, want, msgs[0].Text)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAdminVerifyAuditAndBackup(t *testing.T) {
	b := newBureau(t)
	db := b.store(t)
	chen := clerkActor(t, db, "chen")
	var apps []*data.Application
	for i := 0; i < 5; i++ {
		apps = append(apps, submitted(t, db, "DLXH"))
	}
	if out := mustCLI(t, "", "admin", "verify-audit", "-data", b.dir); !strings.Contains(out, "intact") {
		t.Fatalf("fresh chain: %s", out)
	}

	// Backup while claims and prints keep writing.
	stop := make(chan struct{})
	var wg gosync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			a := apps[i%len(apps)]
			cmd := data.Command{ID: uuid.NewString(), Action: data.ActionClaim, ApplicationID: a.ID, Actor: chen}
			if _, err := db.Apply(context.Background(), cmd, data.Env{Now: time.Now()}); err != nil {
				t.Errorf("write during backup: %v", err)
				return
			}
		}
	}()
	time.Sleep(100 * time.Millisecond)
	backupFile := filepath.Join(t.TempDir(), "backup.db")
	mustCLI(t, "", "admin", "backup", "-data", b.dir, "-out", backupFile)
	close(stop)
	wg.Wait()
	if out, code := cli(t, "", "admin", "backup", "-data", b.dir, "-out", backupFile); code == 0 || !strings.Contains(out, "已存在") {
		t.Errorf("backup over an existing file: %d %s", code, out)
	}
	copyDB, err := sqlite.Open(backupFile)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	keys, err := bureauKeys(folder(b.dir))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := copyDB.VerifyAudit(context.Background(), keys, time.Now()); !r.OK() || r.Checkpoints < 2 || err != nil {
		t.Fatalf("backup does not verify, or lacks its checkpoint: %+v %v", r, err)
	}
	if _, err := copyDB.Application(context.Background(), apps[4].ID); err != nil {
		t.Errorf("backup lacks an application: %v", err)
	}

	// One changed byte in a stored event is found and named.
	raw, err := sql.Open("sqlite3", filepath.Join(b.dir, "titledesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_events SET actor_name = '陈晓明' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	out, code := cli(t, "", "admin", "verify-audit", "-data", b.dir)
	if code != 1 || !strings.Contains(out, "第 4 条") {
		t.Fatalf("tampered chain: exit %d: %s", code, out)
	}
}

func TestCLIUsageErrors(t *testing.T) {
	b := newBureau(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"version"}, 0, "titledesk-server dev"},
		{[]string{"nonsense"}, 2, "unknown sub-command"},
		{[]string{"serve", "-data", t.TempDir()}, 1, "尚未初始化"},
		{[]string{"admin", "fee-set", "-data", b.dir}, 2, "-level is required"},
		{[]string{"admin", "fee-set", "-data", b.dir, "-level", "中级", "-amount", "-5"}, 1, "错误"},
		{[]string{"admin", "user-add", "-data", b.dir, "-login", "x", "-name", "x"}, 1, "密码至少 8 位"},
		{[]string{"admin", "enroll", "-data", b.dir, "-point", "NOPE"}, 1, "找不到人才联络点"},
		{[]string{"init", "-data", b.dir}, 1, "已初始化"},
		{[]string{"admin", "nonsense"}, 2, "unknown admin command"},
	} {
		out, code := cli(t, "", tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d %q; want %d and %q", tc.args, code, out, tc.code, tc.want)
		}
	}
}

// TestVerifyAuditPinpoints: an auditor's verify-audit names a payment field
// edited in the database (which event recorded it otherwise), a checkpoint
// not signed by the bureau, and events cut off after a checkpoint.
func TestVerifyAuditPinpoints(t *testing.T) {
	b := newBureau(t)
	db := b.store(t)
	ctx := context.Background()
	cast := demo.Cast{Clerk: clerkActor(t, db, "chen"), Reviewer: clerkActor(t, db, "wang")}
	a, err := demo.Drive(ctx, db, submitted(t, db, "DLXH"), data.StatusPaid, cast, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	submitted(t, db, "JZXH")
	mustCLI(t, "", "admin", "backup", "-data", b.dir, "-out", filepath.Join(t.TempDir(), "b.db")) // a checkpoint
	if out := mustCLI(t, "", "admin", "verify-audit", "-data", b.dir); !strings.Contains(out, "intact") {
		t.Fatalf("untouched: %s", out)
	}
	raw, err := sql.Open("sqlite3", filepath.Join(b.dir, "titledesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var paidAt int64
	raw.QueryRow(`SELECT max(seq) FROM audit_events WHERE application_id = ? AND action = ?`, a.ID, data.ActionPaymentRecord).Scan(&paidAt)
	for _, tc := range []struct {
		name, tamper, undo string
		says               []string
	}{
		{"an edited payment amount", `UPDATE applications SET payment_amount = 1 WHERE id = '` + a.ID + `'`,
			`UPDATE applications SET payment_amount = ` + fmt.Sprint(int64(a.Payment.Amount)) + ` WHERE id = '` + a.ID + `'`,
			[]string{"申请 " + a.No + " 的 payment 与审计记录不符", fmt.Sprintf("第 %d 条事件", paidAt)}},
		{"an edited certificate number", `UPDATE applications SET certificate_no = 'ZC-FAKE-0001' WHERE id = '` + a.ID + `'`,
			`UPDATE applications SET certificate_no = NULL WHERE id = '` + a.ID + `'`,
			[]string{"申请 " + a.No + " 的 certificate 与审计记录不符"}},
		{"a forged checkpoint", `INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) SELECT seq - 1, hash, at + 1, key_id, x'00' FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`,
			``, []string{"签名无效"}},
		{"a cut-off tail", `DELETE FROM audit_checkpoints WHERE signature = x'00'; DELETE FROM audit_events WHERE seq > (SELECT max(seq) - 2 FROM audit_events)`, ``,
			[]string{"审计链被截断"}},
	} {
		if _, err := raw.Exec(tc.tamper); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		out, code := cli(t, "", "admin", "verify-audit", "-data", b.dir)
		for _, want := range tc.says {
			if code != 1 || !strings.Contains(out, want) {
				t.Errorf("%s: exit %d, lacks %q:\n%s", tc.name, code, want, out)
			}
		}
		if tc.undo != "" {
			if _, err := raw.Exec(tc.undo); err != nil {
				t.Fatal(err)
			}
		}
	}
}
