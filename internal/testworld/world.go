// Package testworld is a bureau server running in-process over real TLS on
// loopback, with liaison points, clerks, a reviewer, enrollment and a
// fault-injecting transport per desk: the sync tests and the UI tests
// against the real server share it.
package testworld

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/app"
	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/demo"
	"titledesk/forms"
	tdsync "titledesk/sync"
)

// World is the server and the people on it.
type World struct {
	DB     *sqlite.Store
	Blobs  blobstore.Dir
	Srv    *httptest.Server
	API    *tdsync.Server // the sync API Srv serves
	FP     string         // the server certificate's fingerprint
	Points map[string]*data.LiaisonPoint
	Clerks map[string]*data.Clerk
	// Now, when set, is the server's clock (the time its answers carry).
	Now func() time.Time
	// Serve, when set, is given every request with the server's handler,
	// to watch it, answer it itself or break it off.
	Serve func(w http.ResponseWriter, r *http.Request, next http.Handler)
	n     int
	hash  string // of Password: argon2id takes tens of ms
}

// Password is every person's password in the world.
const Password = "柜台密码2026!"

// New starts a world: points DLXH (clerks chen and chen2) and JZXH (li),
// and the reviewer wang.
func New(t testing.TB) *World {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.OpenServer(filepath.Join(dir, "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keyPEM, keyID, err := forms.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	key, _ := forms.ParseKey(keyPEM)
	db.SealForm = forms.FormSealer(keyID, key)
	w := &World{DB: db, Blobs: blobstore.Dir(filepath.Join(dir, "blobs")), Points: map[string]*data.LiaisonPoint{}, Clerks: map[string]*data.Clerk{}}
	db.BlobExists = w.Blobs.Has

	mux := http.NewServeMux()
	pub := key.Public().(ed25519.PublicKey)
	w.API = &tdsync.Server{Sync: db, Blobs: w.Blobs, BureauKeyID: keyID, BureauPublicKey: pub, Now: func() time.Time {
		if w.Now != nil {
			return w.Now()
		}
		return time.Now()
	}}
	w.API.Register(mux)
	certPEM, tlsKeyPEM, err := tdsync.SelfSignedCert([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pair, _ := tls.X509KeyPair(certPEM, tlsKeyPEM)
	block, _ := pem.Decode(certPEM)
	w.FP = tdsync.Fingerprint(block.Bytes)
	w.Srv = httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if w.Serve != nil {
			w.Serve(rw, r, mux)
			return
		}
		mux.ServeHTTP(rw, r)
	}))
	w.Srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	w.Srv.StartTLS()
	t.Cleanup(w.Srv.Close)

	if w.hash, err = data.HashPassword(Password); err != nil {
		t.Fatal(err)
	}
	w.AddPoint(t, "DLXH", "东莞市电力行业协会", "chen")
	w.AddPoint(t, "JZXH", "东莞市建筑行业协会", "li")
	w.addClerk(t, &data.Clerk{Login: "chen2", Name: "陈二", Role: data.RoleClerk, LiaisonPointID: w.Points["DLXH"].ID, PasswordHash: w.hash})
	w.addClerk(t, &data.Clerk{Login: "wang", Name: "王立新", Role: data.RoleBureau, PasswordHash: w.hash})
	return w
}

func (w *World) addClerk(t testing.TB, c *data.Clerk) {
	t.Helper()
	c.ID, c.Active = uuid.NewString(), true
	if err := w.DB.SaveClerk(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	w.Clerks[c.Login] = c
}

// cast is who drives applications at a point on the server's side: the
// point's first clerk by login, the same every run.
func (w *World) cast(point string) demo.Cast {
	for _, login := range slices.Sorted(maps.Keys(w.Clerks)) {
		if c := w.Clerks[login]; c.Role == data.RoleClerk && c.LiaisonPointID == w.Points[point].ID {
			return demo.Cast{Clerk: c.Actor(), Reviewer: w.Clerks["wang"].Actor()}
		}
	}
	panic("no clerk at " + point)
}

// Apps makes n applications at a point and drives them to status on the
// server, each with one scan (demo.Scan, a real JPEG) in the server's blob
// store.
func (w *World) Apps(t testing.TB, n int, point string, status data.Status) []*data.Application {
	t.Helper()
	ctx := context.Background()
	out := make([]*data.Application, n)
	for i := range out {
		w.n++
		a := demo.Application(w.n, w.Points[point], demo.Unit(w.n), nil)
		scan, err := demo.ScanAttachment(w.Blobs, "s1", "居民身份证", &demo.Person{Seq: w.n, Name: a.Name, IDNumber: a.IDNumber, Unit: a.UnitName, Major: a.Major})
		if err != nil {
			t.Fatal(err)
		}
		a.Attachments = []data.Attachment{scan}
		if err := demo.Create(ctx, w.DB, a, time.Now().AddDate(0, 0, -90)); err != nil {
			t.Fatal(err)
		}
		if out[i], err = demo.Drive(ctx, w.DB, a, status, w.cast(point), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Desk enrolls a workstation at a point ("" for the bureau) and logs login
// in.
func (w *World) Desk(t testing.TB, point, login string) *app.Desk {
	t.Helper()
	d := w.Enrolled(t, point)
	if _, err := d.Login(context.Background(), login, Password); err != nil {
		t.Fatalf("login: %v", err)
	}
	return d
}

// Enrolled is a workstation enrolled at a point ("" for the bureau), with
// nobody logged in.
func (w *World) Enrolled(t testing.TB, point string) *app.Desk {
	t.Helper()
	return w.EnrolledSkewed(t, point, 0)
}

// EnrolledSkewed is Enrolled on a PC whose own clock is skew ahead of the
// real time (behind when negative) from before enrollment on.
func (w *World) EnrolledSkewed(t testing.TB, point string, skew time.Duration) *app.Desk {
	t.Helper()
	d, err := w.Enroll(t, point, skew)
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	return d
}

// Enroll is EnrolledSkewed that returns the enrollment's error with the
// desk, enrolled or not.
func (w *World) Enroll(t testing.TB, point string, skew time.Duration) (*app.Desk, error) {
	t.Helper()
	ctx := context.Background()
	role, pointID := data.RoleBureau, ""
	if point != "" {
		role, pointID = data.RoleClerk, w.Points[point].ID
	}
	code, err := w.DB.CreateEnrollment(ctx, role, pointID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	d, err := app.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	d.Clock.Local = func() time.Time { return time.Now().Add(skew) }
	return d, d.Enroll(ctx, w.Srv.URL, code, w.FP, "柜台")
}

// Drain syncs until nothing is pending.
func Drain(t testing.TB, d *app.Desk) {
	t.Helper()
	for i := 0; i < 20; i++ {
		if err := d.Syncer().SyncOnce(context.Background()); err != nil {
			t.Fatalf("sync: %v", err)
		}
		if st := d.Syncer().Status(); st.Pending == 0 {
			return
		}
	}
	t.Fatal("outbox did not drain")
}

// MatchesServer checks that every application the desk holds equals the
// server's record, with nothing laid over it.
func (w *World) MatchesServer(t testing.TB, d *app.Desk) { t.Helper(); DeskMatches(t, d, w.DB) }

// DeskMatches checks that every application the desk holds equals the
// record of the server whose store is server, with nothing laid over it.
func DeskMatches(t testing.TB, d *app.Desk, server *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	local, _, err := d.Store.FindApplications(ctx, data.ApplicationFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range local {
		v, err := d.View(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.Application(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Version != srv.Version || v.Status != srv.Status || v.AssigneeID != srv.AssigneeID || len(v.Pending) != 0 {
			t.Errorf("%s: desk v%d %s (%d pending), server v%d %s", s.No, v.Version, v.Status, len(v.Pending), srv.Version, srv.Status)
		}
	}
}

// AssertOnce checks that each command ID is in the server's audit chain
// exactly once.
func (w *World) AssertOnce(t testing.TB, ids []string) {
	t.Helper()
	for _, id := range ids {
		n, err := w.DB.AuditCount(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("command %s applied %d times", id, n)
		}
	}
}

// OutboxIDs are the IDs of every command the desk kept, in order.
func OutboxIDs(t testing.TB, d *app.Desk) []string {
	t.Helper()
	entries, err := d.Store.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.Command.ID
	}
	return ids
}

// Faults wraps a desk's transport. Each request is first given to before,
// which may fail it; after a real round trip, after may drop or change
// the response.
type Faults struct {
	Next   http.RoundTripper
	mu     gosync.Mutex
	before func(r *http.Request) error
	after  func(r *http.Request, resp *http.Response) (*http.Response, error)
}

func (f *Faults) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	before, after := f.before, f.after
	f.mu.Unlock()
	if before != nil {
		if err := before(r); err != nil {
			return nil, err
		}
	}
	resp, err := f.Next.RoundTrip(r)
	if err != nil || after == nil {
		return resp, err
	}
	return after(r, resp)
}

// Set replaces the faults; nil, nil heals the network.
func (f *Faults) Set(before func(*http.Request) error, after func(*http.Request, *http.Response) (*http.Response, error)) {
	f.mu.Lock()
	f.before, f.after = before, after
	f.mu.Unlock()
}

// Offline fails every request before it leaves the desk.
func (f *Faults) Offline() { f.Set(func(*http.Request) error { return ErrOffline }, nil) }

// Inject puts a Faults between the desk and the server.
func Inject(d *app.Desk) *Faults {
	c := d.Syncer().Client.HTTP
	f := &Faults{Next: c.Transport}
	c.Transport = f
	return f
}

// ErrOffline is the injected network failure.
var ErrOffline = errors.New("network unreachable (injected)")

// IsPush reports whether r pushes commands.
func IsPush(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/sync/push") }

// AddPoint adds a liaison point with one clerk, login, so a world can look
// like a city (statistics, screenshots).
func (w *World) AddPoint(t testing.TB, code, name, login string) {
	t.Helper()
	lp := &data.LiaisonPoint{ID: uuid.NewString(), Code: code, Name: name, Active: true}
	if err := w.DB.SaveLiaisonPoint(context.Background(), lp); err != nil {
		t.Fatal(err)
	}
	w.Points[code] = lp
	w.addClerk(t, &data.Clerk{Login: login, Name: "经办人" + login, Role: data.RoleClerk, LiaisonPointID: lp.ID, PasswordHash: w.hash})
}
