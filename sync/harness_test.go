package sync_test

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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

// world is a bureau server running in-process over real TLS on loopback,
// with two liaison points, a clerk at each and a reviewer.
type world struct {
	db     *sqlite.Store
	blobs  blobstore.Dir
	srv    *httptest.Server
	fp     string
	points map[string]*data.LiaisonPoint
	clerks map[string]*data.Clerk
	n      int
}

// Passwords of the world's people.
const password = "柜台密码2026!"

func newWorld(t testing.TB) *world {
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
	db.SealForm = func(a *data.Application, point string) (string, error) { return forms.SealForm(a, point, keyID, key) }
	w := &world{db: db, blobs: blobstore.Dir(filepath.Join(dir, "blobs")), points: map[string]*data.LiaisonPoint{}, clerks: map[string]*data.Clerk{}}
	db.BlobExists = w.blobs.Has

	mux := http.NewServeMux()
	pub := key.Public().(ed25519.PublicKey)
	(&tdsync.Server{Sync: db, Blobs: w.blobs, BureauKeyID: keyID, BureauPublicKey: pub}).Register(mux)
	certPEM, tlsKeyPEM, err := tdsync.SelfSignedCert([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pair, _ := tls.X509KeyPair(certPEM, tlsKeyPEM)
	block, _ := pem.Decode(certPEM)
	w.fp = tdsync.Fingerprint(block.Bytes)
	w.srv = httptest.NewUnstartedServer(mux)
	w.srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	w.srv.StartTLS()
	t.Cleanup(w.srv.Close)

	ctx := context.Background()
	hash, err := data.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][3]string{{"DLXH", "东莞市电力行业协会", "chen"}, {"JZXH", "东莞市建筑行业协会", "li"}} {
		lp := &data.LiaisonPoint{ID: uuid.NewString(), Code: p[0], Name: p[1], Active: true}
		if err := db.SaveLiaisonPoint(ctx, lp); err != nil {
			t.Fatal(err)
		}
		w.points[p[0]] = lp
		w.addClerk(t, &data.Clerk{Login: p[2], Name: "经办人" + p[2], Role: data.RoleClerk, LiaisonPointID: lp.ID, PasswordHash: hash})
	}
	w.addClerk(t, &data.Clerk{Login: "chen2", Name: "陈二", Role: data.RoleClerk, LiaisonPointID: w.points["DLXH"].ID, PasswordHash: hash})
	w.addClerk(t, &data.Clerk{Login: "wang", Name: "王立新", Role: data.RoleBureau, PasswordHash: hash})
	return w
}

func (w *world) addClerk(t testing.TB, c *data.Clerk) {
	t.Helper()
	c.ID, c.Active = uuid.NewString(), true
	if err := w.db.SaveClerk(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	w.clerks[c.Login] = c
}

// cast is who drives applications at a point on the server's side.
func (w *world) cast(point string) demo.Cast {
	for _, c := range w.clerks {
		if c.Role == data.RoleClerk && c.LiaisonPointID == w.points[point].ID {
			return demo.Cast{Clerk: c.Actor(), Reviewer: w.clerks["wang"].Actor()}
		}
	}
	panic("no clerk at " + point)
}

// apps makes n applications at a point and drives them to status on the
// server, each with one real scan in the server's blob store.
func (w *world) apps(t testing.TB, n int, point string, status data.Status) []*data.Application {
	t.Helper()
	ctx := context.Background()
	out := make([]*data.Application, n)
	for i := range out {
		w.n++
		scan := []byte(fmt.Sprintf("scan of applicant %d %s", w.n, uuid.NewString()))
		sum, err := w.blobs.Put(scan)
		if err != nil {
			t.Fatal(err)
		}
		a := demo.Application(w.n, w.points[point], demo.Unit(w.n), []data.Attachment{{ID: "s1", Kind: "居民身份证", FileName: "id.jpg", SHA256: sum, Size: int64(len(scan)), ContentType: "image/jpeg"}})
		if err := demo.Create(ctx, w.db, a, time.Now().AddDate(0, 0, -90)); err != nil {
			t.Fatal(err)
		}
		if out[i], err = demo.Drive(ctx, w.db, a, status, w.cast(point), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// desk enrolls a workstation at a point ("" for the bureau) and logs login in.
func (w *world) desk(t testing.TB, point, login string) *app.Desk {
	t.Helper()
	ctx := context.Background()
	role, pointID := data.RoleBureau, ""
	if point != "" {
		role, pointID = data.RoleClerk, w.points[point].ID
	}
	code, err := w.db.CreateEnrollment(ctx, role, pointID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	d, err := app.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Enroll(ctx, w.srv.URL, code, w.fp, "柜台"); err != nil {
		t.Fatalf("enroll: %v", err)
	}
	if _, err := d.Login(ctx, login, password); err != nil {
		t.Fatalf("login: %v", err)
	}
	return d
}

// drain syncs until nothing is pending.
func drain(t testing.TB, d *app.Desk) {
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

// matchesServer checks that every application the desk holds equals the
// server's record, with nothing laid over it.
func (w *world) matchesServer(t testing.TB, d *app.Desk) {
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
		srv, err := w.db.Application(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Version != srv.Version || v.Status != srv.Status || v.AssigneeID != srv.AssigneeID || len(v.Pending) != 0 {
			t.Errorf("%s: desk v%d %s (%d pending), server v%d %s", s.No, v.Version, v.Status, len(v.Pending), srv.Version, srv.Status)
		}
	}
}

// commandsOnServer counts each command ID in the server's audit chain.
func (w *world) commandsOnServer(t testing.TB, ids []string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, id := range ids {
		n, err := w.db.AuditCount(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	return out
}
