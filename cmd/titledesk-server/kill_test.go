package main

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	tdsync "titledesk/sync"
)

// serveChildEnv makes the test binary run `titledesk-server serve` with the
// arguments in it (separated by "|"), so a test can kill a real server
// process.
const serveChildEnv = "TITLEDESK_SERVE_CHILD"

func TestMain(m *testing.M) {
	if args := os.Getenv(serveChildEnv); args != "" {
		e := &env{ctx: context.Background(), stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, log: slog.New(slog.NewJSONHandler(os.Stderr, nil))}
		os.Exit(run(e, strings.Split(args, "|")))
	}
	os.Exit(m.Run())
}

// serveProcess starts the server as a child process and returns it with
// its URL.
func serveProcess(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveChildEnv+"=serve|-data|"+dir+"|-addr|127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("server process did not start: %v", err)
	}
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "serving on "))
}

// TestServerKilledMidPush kills the server process with SIGKILL while a
// workstation pushes batches, 10 times. A batch is one transaction: after
// each restart the workstation sends what it has no answer for again, and
// in the end every command is answered once, applied at most once, and the
// audit chain verifies.
func TestServerKilledMidPush(t *testing.T) {
	b := newBureau(t)
	db := b.store(t)
	var apps []*data.Application
	for range 60 {
		apps = append(apps, submitted(t, db, "DLXH"))
	}
	chen := clerkActor(t, db, "chen")
	db.Close()

	srv, url := serveProcess(t, b.dir)
	dev := b.enroll(t, url, "clerk", "DLXH")
	var cmds []data.PushedCommand
	for i, a := range apps {
		cmds = append(cmds, data.PushedCommand{Seq: int64(i + 1), At: time.Now(), Command: data.Command{
			ID: uuid.NewString(), Action: data.ActionLiaisonPass, ApplicationID: a.ID, ExpectedVersion: a.Version, Actor: chen}})
	}
	rng := rand.New(rand.NewPCG(3, 5))
	acked, kills := int64(0), 0
	for acked < int64(len(cmds)) {
		if kills < 10 {
			// Kill at a random moment while the next batch is in flight.
			go func(p *os.Process, after time.Duration) {
				time.Sleep(after)
				p.Signal(syscall.SIGKILL)
			}(srv.Process, time.Duration(rng.IntN(40))*time.Millisecond)
		}
		batch := cmds[acked:min(acked+8, int64(len(cmds)))]
		resp, err := dev.c.Push(context.Background(), batch)
		if err == nil {
			acked = resp.AckedSeq
		} else if !errors.Is(err, tdsync.ErrUnreachable) {
			t.Fatalf("push: %v", err)
		}
		if kills < 10 {
			srv.Wait()
			kills++
			srv, url = serveProcess(t, b.dir)
			dev.c.BaseURL = url
		}
	}
	srv.Process.Signal(syscall.SIGTERM)
	srv.Wait()

	db = b.store(t)
	results, err := db.CommandResults(context.Background(), dev.dev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(cmds) {
		t.Fatalf("%d outcomes for %d commands", len(results), len(cmds))
	}
	for i, r := range results {
		n, _ := db.AuditCount(context.Background(), r.CommandID)
		if r.Seq != int64(i+1) || r.CommandID != cmds[i].Command.ID || r.State != data.StateApplied || n != 1 {
			t.Errorf("seq %d: %+v, %d audit events", i+1, r, n)
		}
	}
	if out := mustCLI(t, "", "admin", "verify-audit", "-data", b.dir); !strings.Contains(out, "intact") {
		t.Errorf("verify-audit after %d kills: %s", kills, out)
	}
}
