package main

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"titledesk/app"
	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/demo"
	"titledesk/forms"
	"titledesk/internal/testworld"
)

// scanned is an application in 初审 at a point with a real scan in the
// server's blob store, so desks prefetch it as they would at a counter.
func scanned(t *testing.T, b *bureau, db *sqlite.Store, point string) *data.Application {
	t.Helper()
	return submittedWith(t, db, point, func(p *demo.Person) data.Attachment {
		at, err := demo.ScanAttachment(blobstore.Dir(folder(b.dir).blobs()), "a1", "居民身份证", p)
		if err != nil {
			t.Fatal(err)
		}
		return at
	})
}

// deskCommands is the state of every command a desk ever kept, settled
// ones too, by command ID.
func deskCommands(t *testing.T, d *app.Desk) map[string]string {
	t.Helper()
	entries, err := d.Store.Kept(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if !strings.HasPrefix(e.Command.ID, "lost/") {
			out[e.Command.ID] = e.State
		}
	}
	return out
}

func pass(t *testing.T, d *app.Desk, a *data.Application) {
	t.Helper()
	if _, err := d.Do(context.Background(), data.Command{Action: data.ActionLiaisonPass, ApplicationID: a.ID}); err != nil {
		t.Fatalf("pass %s: %v", a.No, err)
	}
}

// TestServerRestoredFromBackup: three desks work against the real server
// over TLS; a backup is taken while two of them push; more work is pushed
// and answered; the server is restored from the backup and started again.
// Every command each desk ever issued ends up applied exactly once on the
// restored server, or shown to its clerk as refused; what happens after
// the restore reaches every desk; what the server lost is gone from them;
// and the audit chain verifies.
func TestServerRestoredFromBackup(t *testing.T) {
	b := newBureau(t)
	mustCLI(t, "柜台密码chen2026\n", "admin", "user-add", "-data", b.dir, "-login", "chen2", "-name", "陈晓东", "-point", "DLXH")
	db := b.store(t)
	var dl, jz []*data.Application
	for range 20 {
		dl, jz = append(dl, scanned(t, b, db, "DLXH")), append(jz, scanned(t, b, db, "JZXH"))
	}
	srv := startServer(t, b.dir)
	ctx := context.Background()
	chen := workstation(t, b, srv.url, "clerk", "DLXH", "chen", "柜台密码chen2026")
	li := workstation(t, b, srv.url, "clerk", "JZXH", "li", "柜台密码li2026")
	wang := workstation(t, b, srv.url, "bureau", "", "wang", "复审密码wang2026")
	// A second counter at DLXH, offline from here until after the restore.
	chen2 := workstation(t, b, srv.url, "clerk", "DLXH", "chen2", "柜台密码chen2026")

	// A spare counter PC, stolen after the backup is taken.
	spare := b.enroll(t, srv.url, "clerk", "JZXH")

	// Under load: both clerks pass and sync one by one while the backup is
	// taken.
	backup := filepath.Join(t.TempDir(), "nightly.db")
	var (
		wg      gosync.WaitGroup
		errs    = make(chan error, 2)
		started = make(chan struct{}, 2)
	)
	for _, w := range []struct {
		d    *app.Desk
		apps []*data.Application
	}{{chen, dl[:10]}, {li, jz[:10]}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, a := range w.apps {
				if _, err := w.d.Do(ctx, data.Command{Action: data.ActionLiaisonPass, ApplicationID: a.ID}); err != nil {
					errs <- err
					return
				}
				if err := w.d.Syncer().SyncOnce(ctx); err != nil {
					errs <- err
					return
				}
				if i == 3 {
					started <- struct{}{}
				}
			}
		}()
	}
	<-started
	<-started
	mustCLI(t, "", "admin", "backup", "-data", b.dir, "-out", backup)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// After the backup: the spare PC is stolen and revoked, and more work
	// is done, all of it acknowledged.
	mustCLI(t, "", "admin", "device-revoke", "-data", b.dir, "-code", spare.dev.Code, "-reason", "电脑失窃")
	ghost := scanned(t, b, db, "DLXH") // submitted after the backup: the restore loses it
	for _, a := range dl[10:15] {
		pass(t, chen, a)
	}
	if _, err := chen.Do(ctx, data.Command{Action: data.ActionLiaisonReturn, ApplicationID: dl[15].ID, ReturnTo: data.ReturnToApplicant,
		Reasons: []string{"扫描件不清晰或不完整"}}); err != nil {
		t.Fatal(err)
	}
	for _, a := range jz[10:15] {
		pass(t, li, a)
	}
	syncNow(t, chen)
	syncNow(t, li)
	syncNow(t, wang)
	for _, a := range dl[:3] {
		if _, err := wang.Do(ctx, data.Command{Action: data.ActionBureauPass, ApplicationID: a.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := wang.Do(ctx, data.Command{Action: data.ActionBureauReject, ApplicationID: jz[0].ID, Reasons: []string{"业绩材料不足"}}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*app.Desk{chen, li, wang} {
		syncNow(t, d)
	}
	if _, err := chen.Store.Application(ctx, ghost.ID); err != nil {
		t.Fatalf("the application submitted after the backup did not reach the desk: %v", err)
	}
	pass(t, chen, ghost)
	syncNow(t, chen)
	// Offline, chen2 returns an application that chen passed after the
	// backup: on the original server it would have been too late.
	if _, err := chen2.Do(ctx, data.Command{Action: data.ActionLiaisonReturn, ApplicationID: dl[12].ID, ReturnTo: data.ReturnToUnit,
		Reasons: []string{"单位意见不完整"}}); err != nil {
		t.Fatal(err)
	}
	before := map[*app.Desk]map[string]string{}
	for _, d := range []*app.Desk{chen, li, wang, chen2} {
		before[d] = deskCommands(t, d)
	}

	// The disk fails; last night's backup goes back in.
	u, _ := url.Parse(srv.url)
	srv.shutdown(t)
	db.Close()
	out := mustCLI(t, "", "admin", "restore", "-data", b.dir, "-from", backup)
	if !strings.Contains(out, "new epoch") || !strings.Contains(out, "audit chain intact") || !strings.Contains(out, "1 workstations revoked since the backup stay revoked") {
		t.Fatalf("restore said: %s", out)
	}
	srv = startServer(t, b.dir, "-addr", u.Host)
	restored := b.store(t)
	lost := 0 // acknowledged to a desk, missing from the restored server
	for _, cmds := range before {
		for id, state := range cmds {
			if n, err := restored.AuditCount(ctx, id); err == nil && n == 0 && state == data.StateApplied {
				lost++
			}
		}
	}
	t.Logf("the restore lost %d commands the server had acknowledged", lost)
	if lost < 10 {
		t.Fatalf("the backup was not taken mid-run: only %d acknowledged commands are missing", lost)
	}

	// The stolen PC does not come back with the backup.
	if _, err := spare.c.State(ctx); data.ErrorCode(err) != data.EUNAUTHORIZED {
		t.Errorf("the PC revoked after the backup, after the restore: %v", err)
	}
	// The desks carry on, the offline one first.
	for _, d := range []*app.Desk{chen2, chen, li, wang} {
		testworld.Drain(t, d)
	}
	// After the restore: the reviewer passes one of chen's passes the
	// restore had lost and chen sent again; every desk sees it.
	if _, err := wang.Do(ctx, data.Command{Action: data.ActionBureauPass, ApplicationID: dl[13].ID}); err != nil {
		t.Fatalf("bureau pass after the restore: %v", err)
	}
	for _, d := range []*app.Desk{wang, chen2, chen, li, wang} {
		testworld.Drain(t, d)
	}
	for _, d := range []*app.Desk{chen, chen2} {
		if v, err := d.View(ctx, dl[13].ID); err != nil || v.Status != data.StatusAwaitingPaper {
			t.Errorf("the pass after the restore on a DLXH desk: %v %v", v, err)
		}
	}

	names := map[*app.Desk]string{chen: "chen", li: "li", wang: "wang", chen2: "chen2"}
	total := map[string]int{}
	for d, name := range names {
		shown := map[string]bool{}
		entries, err := d.Store.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			shown[e.Command.ID] = e.State == data.StateRejected || e.State == data.StateConflict
		}
		after := deskCommands(t, d)
		counts := map[string]int{}
		for id := range before[d] {
			n, err := restored.AuditCount(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			switch state := after[id]; {
			case state == data.StateApplied && n == 1:
				counts["applied once"]++
			case (state == data.StateRejected || state == data.StateConflict) && n == 0 && shown[id]:
				counts["refused, shown to the clerk"]++
			default:
				t.Errorf("%s: command %s is %q on the desk and applied %d times on the server", name, id, state, n)
			}
		}
		t.Logf("%s: %d commands issued: %v", name, len(before[d]), counts)
		for k, v := range counts {
			total[k] += v
		}
	}
	t.Logf("all desks: %v", total)
	if total["refused, shown to the clerk"] != 2 {
		t.Errorf("want two refusals (chen's pass of an application chen2 returned first, and of one the restore lost), got %v", total)
	}
	entries, _ := chen.Store.OutboxFor(ctx, dl[12].ID)
	if len(entries) != 1 || entries[0].State != data.StateConflict || !strings.Contains(entries[0].Message, "备份恢复") {
		t.Errorf("chen's pass of %s after the restore: %+v", dl[12].No, entries)
	}
	notices, _ := chen.Notices(ctx)
	if !slices.ContainsFunc(notices, func(n sqlite.Notice) bool { return strings.Contains(n.Text, "已从备份恢复") }) {
		t.Errorf("chen was not told: %+v", notices)
	}
	// The application the restore lost stays while the refusal of chen's
	// pass on it is shown, and goes once chen lets the pass go.
	lostPass, _ := chen.Store.OutboxFor(ctx, ghost.ID)
	if len(lostPass) != 1 || lostPass[0].State != data.StateRejected {
		t.Fatalf("chen's pass of the application the restore lost: %+v", lostPass)
	}
	if _, err := chen.Store.Application(ctx, ghost.ID); err != nil {
		t.Errorf("the lost application went while its refusal is shown: %v", err)
	}
	if err := chen.Discard(ctx, lostPass[0].Seq); err != nil {
		t.Fatal(err)
	}
	if _, err := chen.Store.Application(ctx, ghost.ID); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("the application the restored server does not have is still on the desk: %v", err)
	}
	for d := range names {
		testworld.DeskMatches(t, d, restored)
	}
	// A support person reads what happened in the desk's own log.
	log, err := os.ReadFile(filepath.Join(chen.Dir, "titledesk.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"server restored from a backup", "command refused", "sync round"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("chen's log lacks %q", want)
		}
	}
	if strings.Contains(string(log), dl[0].IDNumber) || strings.Contains(string(log), "柜台密码") {
		t.Error("chen's log holds an identity number or a password")
	}
	if out := mustCLI(t, "", "admin", "verify-audit", "-data", b.dir); !strings.Contains(out, "intact") {
		t.Errorf("verify-audit: %s", out)
	}
}

// TestRestoreRefusesWhatItCannotTrust: a backup whose audit chain was
// edited, a file that is no database, a workstation's database, a folder
// without the sealing key and a server still running are each refused with
// a message saying why, and leave the data folder as it was.
func TestRestoreRefusesWhatItCannotTrust(t *testing.T) {
	b := newBureau(t)
	db := b.store(t)
	submitted(t, db, "DLXH") // a few audit events
	epoch, err := db.Epoch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	files := t.TempDir()
	good := filepath.Join(files, "good.db")
	mustCLI(t, "", "admin", "backup", "-data", b.dir, "-out", good)

	edited := filepath.Join(files, "edited.db")
	mustCLI(t, "", "admin", "backup", "-data", b.dir, "-out", edited)
	tampered, err := sql.Open("sqlite3", edited)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tampered.Exec(`UPDATE audit_events SET note = '改过' WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	tampered.Close()
	junk := filepath.Join(files, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database at all, just text"), 0o600); err != nil {
		t.Fatal(err)
	}
	desk, err := app.Open(filepath.Join(files, "desk"))
	if err != nil {
		t.Fatal(err)
	}
	if err := desk.Store.SaveIdentity(context.Background(), &sqlite.Identity{ServerURL: "https://127.0.0.1:8443", PrivateKey: []byte("k"), BureauPublicKey: []byte("p")}); err != nil {
		t.Fatal(err)
	}
	desk.Close()

	for _, tc := range []struct {
		name, dir, from, says string
	}{
		{"an edited audit chain", b.dir, edited, "审计链在第 1 条事件处断开"},
		{"not a database", b.dir, junk, "不是可用的 TitleDesk 服务器数据库"},
		{"a workstation's database", b.dir, filepath.Join(files, "desk", "titledesk.db"), "这是工作站的数据库"},
		{"no sealing key", filepath.Join(files, "empty"), good, "没有可用的市局签章密钥"},
	} {
		out, code := cli(t, "", "admin", "restore", "-data", tc.dir, "-from", tc.from)
		if code != 1 || !strings.Contains(out, tc.says) {
			t.Errorf("%s: exit %d: %s", tc.name, code, out)
		}
	}
	srv := startServer(t, b.dir)
	if out, code := cli(t, "", "admin", "restore", "-data", b.dir, "-from", good); code != 1 || !strings.Contains(out, "正被其他程序使用") {
		t.Errorf("while serving: exit %d: %s", code, out)
	}
	srv.shutdown(t)
	left, _ := filepath.Glob(filepath.Join(b.dir, "titledesk.db.*"))
	if len(left) != 0 {
		t.Errorf("refused restores left %v", left)
	}
	db = b.store(t)
	if now, _ := db.Epoch(context.Background()); now != epoch {
		t.Errorf("a refused restore changed the epoch: %s, was %s", now, epoch)
	}
}

// TestKeyRotation: the bureau rotates its sealing key with the server
// stopped. A desk enrolled before learns the new key by sync, and forms
// sealed with either key verify there as genuine; the old key stays for
// verifying checkpoints, and the rotation is in the audit chain. It is
// refused while the server runs.
func TestKeyRotation(t *testing.T) {
	b := newBureau(t)
	ctx := context.Background()
	cast := func(db *sqlite.Store) demo.Cast {
		return demo.Cast{Clerk: clerkActor(t, db, "chen"), Reviewer: clerkActor(t, db, "wang")}
	}
	db := b.store(t)
	before, err := demo.Drive(ctx, db, scanned(t, b, db, "DLXH"), data.StatusAwaitingPaper, cast(db), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	srv := startServer(t, b.dir)
	clerk := workstation(t, b, srv.url, "clerk", "DLXH", "chen", "柜台密码chen2026")
	if out, code := cli(t, "", "admin", "key-rotate", "-data", b.dir); code != 1 || !strings.Contains(out, "正被其他程序使用") {
		t.Errorf("key-rotate while serving: exit %d: %s", code, out)
	}
	u, _ := url.Parse(srv.url)
	srv.shutdown(t)
	out := mustCLI(t, "", "admin", "key-rotate", "-data", b.dir)
	if !strings.Contains(out, "new bureau sealing key") {
		t.Fatalf("key-rotate: %s", out)
	}
	if retired, _ := filepath.Glob(filepath.Join(b.dir, "keys", "retired", "*.pem")); len(retired) != 1 {
		t.Errorf("retired keys: %v", retired)
	}
	db = b.store(t)
	after, err := demo.Drive(ctx, db, scanned(t, b, db, "DLXH"), data.StatusAwaitingPaper, cast(db), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv = startServer(t, b.dir, "-addr", u.Host)
	syncNow(t, clerk)
	for _, a := range []*data.Application{before, after} {
		res, err := clerk.Scan(ctx, a.FormSeal)
		if err != nil || res.Verdict.Status != forms.Genuine {
			t.Errorf("form of %s sealed with key %s: %+v %v", a.No, strings.Split(a.FormSeal, ".")[5], res.Verdict, err)
		}
	}
	if strings.Split(before.FormSeal, ".")[5] == strings.Split(after.FormSeal, ".")[5] {
		t.Error("both forms were sealed with the same key")
	}
	events, _ := db.AuditEvents(ctx, "")
	if !slices.ContainsFunc(events, func(e data.AuditEvent) bool { return e.Action == "admin:key-rotate" }) {
		t.Error("the rotation is not in the audit chain")
	}
	if out := mustCLI(t, "", "admin", "verify-audit", "-data", b.dir); !strings.Contains(out, "intact") {
		t.Errorf("verify-audit after the rotation: %s", out)
	}
}
