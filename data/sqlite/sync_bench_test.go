package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"titledesk/data"
)

// pulledChanges is what a workstation receives for n applications.
func pulledChanges(b *testing.B, n int) ([]*data.Application, []data.Change) {
	r := rand.New(rand.NewPCG(3, 4))
	apps := make([]*data.Application, n)
	changes := make([]data.Change, n)
	for i := range apps {
		apps[i] = genApplication(r, i)
		raw, err := json.Marshal(apps[i])
		if err != nil {
			b.Fatal(err)
		}
		changes[i] = data.Change{Seq: int64(i + 1), Kind: data.ChangeApplication, ID: apps[i].ID, Data: raw}
	}
	return apps, changes
}

// BenchmarkApplyPulled compares applying 100,000 pulled application
// changes (JSON decode, upsert, replace attachments, cursor, trim) with
// plain prepared INSERTs of the same rows, both in pages of 500 per
// transaction, each into a fresh database. Budget: pulled ≥ half the speed.
func BenchmarkApplyPulled(b *testing.B) {
	const page = 500
	n := benchApplications
	apps, changes := pulledChanges(b, n)
	fresh := func(b *testing.B) *Store {
		s, err := Open(filepath.Join(b.TempDir(), "ws.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	b.Run("pulled", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := fresh(b)
			b.StartTimer()
			for i := 0; i < n; i += page {
				if err := s.ApplyChanges(context.Background(), changes[i:i+page], int64(i+page)); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "apps/s")
	})
	b.Run("plain-insert", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := fresh(b)
			b.StartTimer()
			for i := 0; i < n; i += page {
				err := s.inWrite(context.Background(), func(tx *txn) error {
					app, err := tx.PrepareContext(ctx, `INSERT INTO applications (`+applicationColumns+`) VALUES (`+placeholders(len(appValues(apps[0])))+`)`)
					if err != nil {
						return err
					}
					att, err := tx.PrepareContext(ctx, `INSERT INTO attachments (application_id, id, ord, kind, file_name, sha256, size, content_type, check_result, check_note)
						VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
					if err != nil {
						return err
					}
					for _, a := range apps[i : i+page] {
						if _, err := app.Exec(appValues(a)...); err != nil {
							return err
						}
						for k, at := range a.Attachments {
							if _, err := att.Exec(a.ID, at.ID, k, at.Kind, at.FileName, at.SHA256, at.Size, at.ContentType, string(at.Check), at.CheckNote); err != nil {
								return err
							}
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "apps/s")
	})
}

// pushServer is a server store with one liaison point, its clerk and an
// enrolled clerk device.
func pushServer(tb testing.TB) (*Store, *data.LiaisonPoint, *data.Clerk, *data.Device) {
	tb.Helper()
	ctx := context.Background()
	s, err := OpenServer(filepath.Join(tb.TempDir(), "server.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	point := &data.LiaisonPoint{ID: "lp00", Code: "DLXH", Name: "东莞市电力行业协会", Active: true}
	clerk := &data.Clerk{ID: "clerk-1", Login: "chen", Name: "陈晓敏", Role: data.RoleClerk, LiaisonPointID: point.ID, Active: true}
	if err := s.SaveLiaisonPoint(ctx, point); err != nil {
		tb.Fatal(err)
	}
	if err := s.SaveClerk(ctx, clerk); err != nil {
		tb.Fatal(err)
	}
	code, _ := s.CreateEnrollment(ctx, data.RoleClerk, point.ID, time.Hour, time.Now())
	dev, _, err := s.Enroll(ctx, code, make([]byte, 32), "bench", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return s, point, clerk, dev
}

// BenchmarkServerPush measures the server applying pushed batches of 500
// liaison_pass commands, each on its own application, through the state
// machine, audit chain, change log and outcome table. Budget: 5,000/s.
func BenchmarkServerPush(b *testing.B) {
	s, point, clerk, dev := pushServer(b)
	ctx := requestContext(b)
	const batch = 500
	r := rand.New(rand.NewPCG(5, 6))
	seq, made := int64(0), 0
	for b.Loop() {
		b.StopTimer()
		apps := make([]*data.Application, batch)
		for i := range apps {
			apps[i] = genApplication(r, made)
			apps[i].ID, apps[i].No = fmt.Sprintf("push-%07d", made), fmt.Sprintf("P%07d", made)
			apps[i].Status, apps[i].LiaisonPointID = data.StatusLiaisonReview, point.ID
			made++
		}
		if err := s.SaveApplications(ctx, apps); err != nil {
			b.Fatal(err)
		}
		cmds := make([]data.PushedCommand, batch)
		for i, a := range apps {
			seq++
			cmds[i] = data.PushedCommand{Seq: seq, At: time.Now(), Command: data.Command{ID: fmt.Sprintf("cmd-%d", seq),
				Action: data.ActionLiaisonPass, ApplicationID: a.ID, ExpectedVersion: a.Version, Actor: clerk.Actor()}}
		}
		b.StartTimer()
		results, _, err := s.Push(ctx, dev, cmds, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		if results[batch-1].State != data.StateApplied {
			b.Fatalf("push result %+v", results[batch-1])
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "cmds/s")
}

// BenchmarkServerPushGrowth is BenchmarkServerPush on a server that
// already holds size applications, with each command on a random one of
// them waiting at the clerk's point (every other one), as a real counter's
// work lands all over a grown database rather than on rows just written.
// Goal (issue 21): no decay from 10k to 1M.
func BenchmarkServerPushGrowth(b *testing.B) {
	for _, size := range []int{10_000, 100_000, 300_000, 1_000_000} {
		b.Run(fmt.Sprintf("apps=%d", size), func(b *testing.B) {
			s, point, clerk, dev := pushServer(b)
			r := rand.New(rand.NewPCG(9, uint64(size)))
			// Only what a command names is kept: holding 500,000 whole
			// applications made the collector scan them during the pushes
			// (11 % of the time at a million), which a server never does.
			type target struct {
				id      string
				version int64
			}
			var waiting []target
			start := time.Now()
			for i := 0; i < size; i += 10_000 {
				apps := make([]*data.Application, 10_000)
				for k := range apps {
					a := genApplication(r, i+k)
					if (i+k)%2 == 0 {
						a.Status, a.LiaisonPointID = data.StatusLiaisonReview, point.ID
						a.Decisions = []data.Decision{{Action: data.ActionUnitApprove, From: data.StatusUnitReview, To: data.StatusLiaisonReview,
							ActorID: "u1", ActorName: "李敏", Role: data.RoleUnit, At: t0}}
						waiting = append(waiting, target{a.ID, a.Version})
					}
					apps[k] = a
				}
				if err := s.SaveApplications(ctx, apps); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("seeded %d applications in %v", size, time.Since(start).Round(time.Second))
			r.Shuffle(len(waiting), func(i, j int) { waiting[i], waiting[j] = waiting[j], waiting[i] })
			runtime.GC() // the seed's garbage is not the pushes'
			const batch = 500
			ctx := requestContext(b)
			seq, applied := int64(0), 0
			for b.Loop() {
				if len(waiting) < batch {
					b.Fatal("no applications left waiting: fewer iterations")
				}
				cmds := make([]data.PushedCommand, batch)
				for i, a := range waiting[:batch] {
					seq++
					cmds[i] = data.PushedCommand{Seq: seq, At: time.Now(), Command: data.Command{ID: fmt.Sprintf("cmd-%d", seq),
						Action: data.ActionLiaisonPass, ApplicationID: a.id, ExpectedVersion: a.version, Actor: clerk.Actor()}}
				}
				waiting = waiting[batch:]
				results, _, err := s.Push(ctx, dev, cmds, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				for _, res := range results {
					if res.State == data.StateApplied {
						applied++
					}
				}
			}
			if applied != batch*b.N {
				b.Fatalf("%d of %d commands applied", applied, batch*b.N)
			}
			b.ReportMetric(float64(applied)/b.Elapsed().Seconds(), "cmds/s")
		})
	}
}

// requestContext is a context as the server's HTTP handler passes a push:
// one that is cancelled when the desk hangs up.
func requestContext(b *testing.B) context.Context {
	c, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	return c
}
