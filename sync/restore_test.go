package sync_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/testworld"
)

// allMatch checks every scan of a as matching its original.
func allMatch(a *data.Application) []data.AttachmentCheck {
	var checks []data.AttachmentCheck
	for _, at := range a.Attachments {
		checks = append(checks, data.AttachmentCheck{AttachmentID: at.ID, Check: data.CheckMatch})
	}
	return checks
}

// accept takes the papers of a at the counter, every scan matching, and
// returns the payment notice's number and the printed receipt's seal.
func accept(t *testing.T, d *app.Desk, a *data.Application) (notice, receipt string) {
	t.Helper()
	v, prints, err := d.Accept(context.Background(), a.ID, allMatch(a), nil)
	if err != nil {
		t.Fatalf("accept %s: %v", a.No, err)
	}
	return v.Notice.No, prints[0].Payload
}

// TestDeskRestoredFromOlderCopy: a counter PC is re-imaged and its data
// folder copied back from an older copy. The clerk works on at once; the
// desk finds out at its next sync (from what the server says it answered,
// or when the server refuses a seq it answered for another command),
// records the answers it lacked, numbers its new commands after the
// server's, and says so. Nothing is marked applied that the server did not
// apply, the new decisions reach the server, and no notice number repeats.
func TestDeskRestoredFromOlderCopy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after int // decisions made on the restored copy before it syncs
	}{
		{"found by the server's state", 1},
		{"found by a refused push", 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			w := testworld.New(t)
			review := w.Apps(t, 30, "DLXH", data.StatusLiaisonReview)
			counter := w.Apps(t, 3, "DLXH", data.StatusAwaitingPaper)
			d := w.Desk(t, "DLXH", "chen")
			pass(t, d, review[:3])
			testworld.Drain(t, d)
			// Kept here, answered after the copy is taken.
			pass(t, d, review[3:4])
			copyDir := t.TempDir()
			if err := d.Store.Backup(ctx, filepath.Join(copyDir, "titledesk.db")); err != nil {
				t.Fatal(err)
			}
			// The PC works on after the copy, then its disk fails.
			pass(t, d, review[4:8])
			first, _ := accept(t, d, counter[0])
			second, _ := accept(t, d, counter[1])
			issued := []string{first, second}
			testworld.Drain(t, d)
			d.Close()

			r, err := app.Open(copyDir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			if _, err := r.Login(ctx, "chen", testworld.Password); err != nil {
				t.Fatal(err)
			}
			fresh := review[8 : 8+tc.after]
			pass(t, r, fresh)
			third, _ := accept(t, r, counter[2])
			issued = append(issued, third)
			testworld.Drain(t, r)
			testworld.Drain(t, r) // the pull after the push brings the server's records

			for _, a := range fresh {
				if got, _ := w.DB.Application(ctx, a.ID); got.Status != data.StatusBureauReview {
					t.Errorf("a pass made on the restored desk did not reach the server: %s %s", a.No, got.Status)
				}
			}
			entries, err := r.Store.Outbox(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 0 {
				t.Errorf("left pending or refused: %+v", entries)
			}
			applied := 0
			for id, state := range keptStates(t, r) {
				n, err := w.DB.AuditCount(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if state == data.StateApplied {
					applied++
					if n != 1 {
						t.Errorf("command %s marked applied, applied %d times on the server", id, n)
					}
				}
			}
			t.Logf("restored desk: %d commands marked applied, each once on the server", applied)
			// The copy numbered its notice as the PC had before the disk
			// failed; the server never sees the number twice, and the clerk
			// is told to print the notice again.
			if issued[2] != issued[0] {
				t.Fatalf("the restored copy did not start from its own counter: %v", issued)
			}
			var onServer []string
			for _, a := range counter {
				got, _ := w.DB.Application(ctx, a.ID)
				onServer = append(onServer, got.Notice.No)
			}
			slices.Sort(onServer)
			if len(slices.Compact(slices.Clone(onServer))) != len(onServer) {
				t.Errorf("a notice number is on two applications: %v", onServer)
			}
			if v, _ := r.View(ctx, counter[2].ID); v.Notice.No == issued[2] {
				t.Errorf("the desk still shows the repeated number %s", v.Notice.No)
			}
			t.Logf("notice numbers on the server: %v", onServer)
			notices, _ := r.Notices(ctx)
			if len(notices) == 0 || !strings.Contains(notices[0].Text, "较早的备份恢复") || !strings.Contains(notices[0].Text, "重新打印") {
				t.Errorf("the clerk was not told: %+v", notices)
			}
			w.MatchesServer(t, r)
		})
	}
}

// keptStates reads the state of every command the desk kept, settled
// ones too.
func keptStates(t *testing.T, d *app.Desk) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows, err := d.Store.Kept(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rows {
		out[e.Command.ID] = e.State
	}
	return out
}
