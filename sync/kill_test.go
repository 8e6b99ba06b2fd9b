package sync_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/testworld"
)

// childEnv names the desk folder a re-executed test binary works in.
const childEnv = "TITLEDESK_KILL_CHILD_DESK"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		childDesk(dir)
		return
	}
	if arg := os.Getenv(enrollChildEnv); arg != "" {
		enrollChild(arg)
		return
	}
	os.Exit(m.Run())
}

// childDesk is a clerk working as fast as possible until it is killed:
// deciding applications and syncing, so kills land in every phase.
func childDesk(dir string) {
	ctx := context.Background()
	d, err := app.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := d.Login(ctx, "chen", testworld.Password); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		queue, _, _ := d.Queue(ctx, data.ApplicationFilter{Statuses: []data.Status{data.StatusLiaisonReview}, Limit: 5})
		for _, s := range queue {
			v, err := d.View(ctx, s.ID)
			if err != nil || v.Status != data.StatusLiaisonReview {
				continue // decided but not yet synced
			}
			cmd := data.Command{Action: data.ActionLiaisonPass, ApplicationID: s.ID}
			if i%3 == 0 {
				cmd = data.Command{Action: data.ActionClaim, ApplicationID: s.ID}
			}
			d.Do(ctx, cmd)
			break
		}
		d.Syncer().SyncOnce(ctx)
	}
}

// TestKilledWorkstationConverges kills a clerk's workstation process with
// SIGKILL at random points of its work and sync, 30 times; after each
// restart it carries on, and in the end every command it ever kept was
// answered once by the server, none applied twice, and the desk matches
// the server.
func TestKilledWorkstationConverges(t *testing.T) {
	w := testworld.New(t)
	w.Apps(t, 40, "DLXH", data.StatusLiaisonReview)
	d := w.Desk(t, "DLXH", "chen")
	dir, dev := d.Dir, d.Device()
	d.Close()

	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 30; trial++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+dir)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(40+rng.IntN(300)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		state, _ := cmd.Process.Wait()
		if ws, ok := state.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("trial %d: child ended by itself: %v", trial, state)
		}
	}

	d, err := app.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Login(context.Background(), "chen", testworld.Password); err != nil {
		t.Fatal(err)
	}
	testworld.Drain(t, d)
	ctx := context.Background()
	kept, err := d.Store.Counter(ctx, "outbox_seq")
	if err != nil {
		t.Fatal(err)
	}
	results, err := w.DB.CommandResults(ctx, dev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if kept < 10 || int64(len(results)) != kept {
		t.Fatalf("the desk kept %d commands, the server answered %d", kept, len(results))
	}
	applied := 0
	for i, r := range results {
		if r.Seq != int64(i+1) {
			t.Fatalf("outcome %d has seq %d: a command was lost", i, r.Seq)
		}
		n, err := w.DB.AuditCount(ctx, r.CommandID)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if r.State == data.StateApplied {
			want, applied = 1, applied+1
		}
		if n != want {
			t.Errorf("seq %d (%s, %s) is %d times in the audit chain", r.Seq, r.CommandID, r.State, n)
		}
	}
	t.Logf("30 kills: %d commands kept, %d applied, %d refused", kept, applied, len(results)-applied)
	w.MatchesServer(t, d)
}
