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
// returns the printed receipt's seal.
func accept(t *testing.T, d *app.Desk, a *data.Application) (receipt string) {
	t.Helper()
	_, prints, err := d.Accept(context.Background(), a.ID, allMatch(a))
	if err != nil {
		t.Fatalf("accept %s: %v", a.No, err)
	}
	return prints[0].Payload
}

// certify issues a's certificate with a number made on the desk, as
// builds before the server numbered certificates (migration 040) did and
// their outboxes may still hold, and returns it.
func certify(t *testing.T, d *app.Desk, a *data.Application) string {
	t.Helper()
	ctx := context.Background()
	seq, err := d.Store.NextCounter(ctx, data.NumberCounter(data.SeriesCertificate, d.Now()))
	if err != nil {
		t.Fatal(err)
	}
	no := data.CertificateNo(d.Device().Code, d.Now(), seq)
	if _, err := d.Certify(ctx, a.ID, no, d.Now()); err != nil {
		t.Fatalf("certify %s: %v", a.No, err)
	}
	return no
}

// TestDeskRestoredFromOlderCopy: a counter PC is re-imaged and its data
// folder copied back from an older copy. The clerk works on at once; the
// desk finds out at its next sync (from what the server says it answered,
// or when the server refuses a seq it answered for another command),
// records the answers it lacked, numbers its new commands after the
// server's, and says so. Nothing is marked applied that the server did not
// apply, the new decisions reach the server, and no certificate number
// repeats.
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
			review := w.Apps(t, 30, "DLXH", data.StatusBureauReview)
			paid := w.Apps(t, 3, "DLXH", data.StatusPaid)
			d := w.Desk(t, "", "wang")
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
			issued := []string{certify(t, d, paid[0]), certify(t, d, paid[1])}
			testworld.Drain(t, d)
			d.Close()

			r, err := app.Open(copyDir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			if _, err := r.Login(ctx, "wang", testworld.Password); err != nil {
				t.Fatal(err)
			}
			fresh := review[8 : 8+tc.after]
			pass(t, r, fresh)
			issued = append(issued, certify(t, r, paid[2]))
			testworld.Drain(t, r)
			testworld.Drain(t, r) // the pull after the push brings the server's records

			for _, a := range fresh {
				if got, _ := w.DB.Application(ctx, a.ID); got.Status != data.StatusAwaitingPaper {
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
			// The copy numbered its certificate as the PC had before the
			// disk failed; the server never sees the number twice, and the
			// reviewer is told to print the certificate again.
			if issued[2] != issued[0] {
				t.Fatalf("the restored copy did not start from its own counter: %v", issued)
			}
			var onServer []string
			for _, a := range paid {
				got, _ := w.DB.Application(ctx, a.ID)
				onServer = append(onServer, got.Certificate.No)
			}
			slices.Sort(onServer)
			if len(slices.Compact(slices.Clone(onServer))) != len(onServer) {
				t.Errorf("a certificate number is on two applications: %v", onServer)
			}
			if v, _ := r.View(ctx, paid[2].ID); v.Certificate.No == issued[2] {
				t.Errorf("the desk still shows the repeated number %s", v.Certificate.No)
			}
			t.Logf("certificate numbers on the server: %v", onServer)
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
