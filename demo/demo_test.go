package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
)

// TestDriveReachesEveryStatus drives one application to each status through
// the real store: the demo's paths satisfy every requirement of the table.
func TestDriveReachesEveryStatus(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.OpenServer(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := &data.LiaisonPoint{ID: uuid.NewString(), Code: "DLXH", Name: "东莞市电力行业协会", Active: true}
	if err := db.SaveLiaisonPoint(ctx, p); err != nil {
		t.Fatal(err)
	}
	cast := Cast{
		Clerk:    data.Actor{ID: "c1", Name: "陈晓敏", Role: data.RoleClerk, LiaisonPointID: p.ID},
		Reviewer: data.Actor{ID: "r1", Name: "王立新", Role: data.RoleBureau},
	}
	scans := []data.Attachment{{ID: "s1", Kind: "居民身份证", FileName: "id.jpg", SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ContentType: "image/jpeg"}}
	now := time.Now()
	for i, to := range data.Statuses {
		a := Application(i, p, Unit(i), scans)
		if err := Create(ctx, db, a, now.AddDate(0, 0, -60)); err != nil {
			t.Fatal(err)
		}
		got, err := Drive(ctx, db, a, to, cast, now)
		if err != nil {
			t.Errorf("%s: %v", to, err)
			continue
		}
		if got.Status != to {
			t.Errorf("drove to %s, got %s", to, got.Status)
		}
		if err := data.ValidateIDNumber(got.IDNumber); err != nil {
			t.Errorf("demo identity number %s: %v", got.IDNumber, err)
		}
	}
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.OpenServer(filepath.Join(dir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accounts, err := Seed(ctx, db, blobstore.Dir(filepath.Join(dir, "blobs")), 120, time.Now()) // past 115, a paid one with i%7 == 3
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != len(Points())+1 {
		t.Errorf("%d accounts", len(accounts))
	}
	counts, err := db.CountByStatus(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range data.Statuses {
		if counts[s] == 0 {
			t.Errorf("no demo application is %s", s)
		}
	}
	if r, err := db.VerifyAudit(ctx, nil, time.Now()); !r.OK() || err != nil {
		t.Errorf("demo audit chain: %+v %v", r, err)
	}
	// The demo statement gives every reconciliation outcome, and some
	// notices have not come yet.
	outcomes := map[data.ReconcileOutcome]int{}
	xs, err := db.ReconcileExceptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range xs {
		outcomes[x.Outcome]++
	}
	unmatched, _ := db.UnmatchedEntries(ctx)
	waiting, _ := db.ApplicationsAwaitingNotice(ctx)
	if outcomes[data.AmountMismatch] == 0 || outcomes[data.NotReceived] == 0 || outcomes[data.Unrecorded] == 0 || len(unmatched) != 1 || len(waiting) == 0 {
		t.Errorf("demo reconciliation: %v, %d unmatched, %d awaiting a notice", outcomes, len(unmatched), len(waiting))
	}
}
