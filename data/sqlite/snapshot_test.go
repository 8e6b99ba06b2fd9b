package sqlite

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"titledesk/data"
)

// snapshotServer is a server holding applications of 30 points, each
// brought to a point by its unit except every seventh (still with its unit,
// so in no desk's scope), a clerk of each point and a reviewer.
func snapshotServer(t *testing.T) *Store {
	t.Helper()
	srv := openServerTest(t)
	r := rand.New(rand.NewPCG(3, 4))
	var apps []*data.Application
	for i := range 600 {
		a := genApplication(r, i)
		a.WorkingYears = 3 + i%15
		if i%7 != 0 {
			a.Decisions = []data.Decision{
				{Action: data.ActionSubmit, From: data.StatusDraft, To: data.StatusUnitReview, ActorID: "ap", ActorName: a.Name, Role: data.RoleApplicant, At: t0},
				{Action: data.ActionUnitApprove, From: data.StatusUnitReview, To: data.StatusLiaisonReview, ActorID: "uu", ActorName: "李敏", Role: data.RoleUnit,
					Reasons: []string{"材料齐全"}, Note: "同意推荐", At: t0.Add(time.Hour)},
			}
		}
		apps = append(apps, a)
	}
	if err := srv.SaveApplications(ctx, apps); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		p := &data.LiaisonPoint{ID: fmt.Sprintf("lp%02d", i), Code: fmt.Sprintf("P%02d", i), Name: fmt.Sprintf("第%d人才联络点", i), Active: true}
		if err := srv.SaveLiaisonPoint(ctx, p); err != nil {
			t.Fatal(err)
		}
		c := &data.Clerk{ID: fmt.Sprintf("c%02d", i), Login: fmt.Sprintf("clerk%02d", i), Name: "经办人", Role: data.RoleClerk,
			LiaisonPointID: fmt.Sprintf("lp%02d", i), PasswordHash: "x", Active: true}
		if err := srv.SaveClerk(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.SaveClerk(ctx, &data.Clerk{ID: "b1", Login: "reviewer", Name: "陈静", Role: data.RoleBureau, PasswordHash: "y", Active: true}); err != nil {
		t.Fatal(err)
	}
	return srv
}

// freshDesk is an enrolled desk that has pulled nothing.
func freshDesk(t *testing.T, dev data.Device) *Store {
	t.Helper()
	desk, _ := openTest(t)
	if err := desk.SaveIdentity(ctx, &Identity{ServerURL: "https://bureau", Device: dev, Token: "t", PrivateKey: []byte("k"), BureauPublicKey: []byte("b")}); err != nil {
		t.Fatal(err)
	}
	return desk
}

// dump is a desk's synced tables as text, in a fixed order.
func dump(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT ` + applicationColumns + ` FROM applications ORDER BY id`,
		`SELECT ` + attachmentColumns + ` FROM attachments ORDER BY application_id, ord`,
		`SELECT ` + decisionColumns + ` FROM decisions ORDER BY application_id, ord`,
		`SELECT * FROM clerks ORDER BY id`,
		`SELECT * FROM liaison_points ORDER BY id`,
		`SELECT * FROM reasons ORDER BY 1`,
		`SELECT * FROM fees ORDER BY 1, 2`,
		`SELECT liaison_point_id, status, n FROM status_counts WHERE n > 0 ORDER BY 1, 2`,
		`SELECT gram, application_id FROM name_grams ORDER BY 1, 2`,
	} {
		rows, err := s.read.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

func snapshotOf(t *testing.T, srv *Store, dev *data.Device) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snap.db")
	snap, err := srv.WriteSnapshot(ctx, dev, path)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Cursor == 0 {
		t.Fatal("snapshot without a cursor")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A desk loaded from a snapshot holds exactly what one that pulled page by
// page holds, for a point's desk and a bureau desk.
func TestSnapshotHoldsWhatPullsBring(t *testing.T) {
	srv := snapshotServer(t)
	for _, dev := range []data.Device{
		{ID: "d1", Code: "DLXH01", Role: data.RoleClerk, LiaisonPointID: "lp03"},
		{ID: "d2", Code: "SJ01", Role: data.RoleBureau},
	} {
		t.Run(string(dev.Role), func(t *testing.T) {
			paged := freshDesk(t, dev)
			for cursor, more := int64(0), true; more; {
				var changes []data.Change
				var err error
				changes, cursor, more, err = srv.Pull(ctx, &dev, cursor, 50)
				if err != nil {
					t.Fatal(err)
				}
				if err := paged.ApplyChanges(ctx, changes, cursor); err != nil {
					t.Fatal(err)
				}
			}
			bulk := freshDesk(t, dev)
			snap, err := bulk.ApplySnapshot(ctx, bytes.NewReader(snapshotOf(t, srv, &dev)))
			if err != nil {
				t.Fatal(err)
			}
			want := dump(t, paged)
			if got := dump(t, bulk); got != want {
				t.Errorf("snapshot desk differs from paged desk:\n%s", firstDiff(got, want))
			}
			if snap.Applications < 10 {
				t.Errorf("snapshot brought %d applications", snap.Applications)
			}
			if fresh, err := bulk.Fresh(ctx); err != nil || fresh {
				t.Errorf("after its snapshot the desk is still fresh (%v)", err)
			}
			// Nothing newer than the snapshot's cursor is left to pull.
			if changes, _, _, err := srv.Pull(ctx, &dev, snap.Cursor, 10); err != nil || len(changes) != 0 {
				t.Errorf("after the snapshot a pull brings %d changes (%v)", len(changes), err)
			}
		})
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d\n got  %s\n want %s", i, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}

// A snapshot cut short or damaged is refused whole with a message a clerk
// can act on, and the desk stays fresh so the next round fetches it again;
// a desk that already holds data refuses one.
func TestSnapshotBrokenOrLateRefused(t *testing.T) {
	srv := snapshotServer(t)
	dev := data.Device{ID: "d1", Code: "DLXH01", Role: data.RoleClerk, LiaisonPointID: "lp03"}
	whole := snapshotOf(t, srv, &dev)
	damaged := bytes.Clone(whole)
	copy(damaged[len(damaged)/2:], bytes.Repeat([]byte{0xff}, 4096))
	desk := freshDesk(t, dev)
	for name, b := range map[string][]byte{"truncated": whole[:len(whole)/3], "damaged": damaged, "empty": nil, "not a database": []byte(strings.Repeat("不是数据库", 200))} {
		_, err := desk.ApplySnapshot(ctx, bytes.NewReader(b))
		t.Logf("%s: %v", name, err)
		if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "初始数据不完整") {
			t.Errorf("%s: %v, want a broken-snapshot refusal", name, err)
		}
		if fresh, ferr := desk.Fresh(ctx); ferr != nil || !fresh {
			t.Errorf("%s: the desk kept part of a broken snapshot", name)
		}
	}
	if _, err := desk.ApplySnapshot(ctx, bytes.NewReader(whole)); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.ApplySnapshot(ctx, bytes.NewReader(whole)); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("a second snapshot on a loaded desk: %v, want a conflict", err)
	}
	left, _ := filepath.Glob(filepath.Join(desk.dir, "snapshot-*"))
	if len(left) != 0 {
		t.Errorf("snapshot files left beside the database: %v", left)
	}
}

// A snapshot from a server one version apart applies by the columns both
// sides have: one the desk does not know is left out, one the server no
// longer sends keeps the desk's default.
func TestSnapshotAcrossVersions(t *testing.T) {
	srv := snapshotServer(t)
	dev := data.Device{ID: "d1", Code: "DLXH01", Role: data.RoleClerk, LiaisonPointID: "lp03"}
	path := filepath.Join(t.TempDir(), "skewed.db")
	if err := os.WriteFile(path, snapshotOf(t, srv, &dev), 0o600); err != nil {
		t.Fatal(err)
	}
	skewed, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE applications ADD COLUMN next_release TEXT DEFAULT 'x'`, `ALTER TABLE applications DROP COLUMN working_years`} {
		if _, err := skewed.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	skewed.Close()
	desk := freshDesk(t, dev)
	f, _ := os.Open(path)
	defer f.Close()
	snap, err := desk.ApplySnapshot(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var n, years int
	if err := desk.read.QueryRow(`SELECT count(*), coalesce(max(working_years), 0) FROM applications`).Scan(&n, &years); err != nil || n != snap.Applications || n == 0 || years != 0 {
		t.Errorf("%d applications of %d, working years %d (%v)", n, snap.Applications, years, err)
	}
}
