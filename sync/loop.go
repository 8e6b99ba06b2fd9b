package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	stdsync "sync"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
)

// Local is the workstation's store as the sync loop uses it.
type Local interface {
	ToPush(ctx context.Context, limit int) ([]data.PushedCommand, error)
	RecordResults(ctx context.Context, results []data.CommandResult, acked int64, now time.Time) error
	SyncCursor(ctx context.Context) (int64, error)
	ApplyChanges(ctx context.Context, changes []data.Change, cursor int64) error
	Fresh(ctx context.Context) (bool, error)
	ApplySnapshot(ctx context.Context, r io.Reader) (data.Snapshot, error)
	OutboxCounts(ctx context.Context) (pending, refused int, err error)
	BlobsToFetch(ctx context.Context, statuses []data.Status) ([]string, error)

	// Restores (DESIGN.md section 4): see sqlite.Store.
	Reconcile(ctx context.Context, st data.SyncState, now time.Time) (data.Reconciled, error)
	AckedSeq(ctx context.Context) (int64, error)
	Renumber(ctx context.Context, st data.SyncState, results []data.CommandResult, numbers map[string]int64, now time.Time) (data.Renumbered, error)
	EndResync(ctx context.Context, now time.Time) (int, error)
	SaveClock(ctx context.Context, offset time.Duration) error
	PurgeSettled(ctx context.Context, now time.Time) (int, error)
	RefuseProof(ctx context.Context, seq int64, message string) error
}

// Status is what the window shows about sync.
type Status struct {
	Online      bool
	Syncing     bool
	Pending     int // commands not yet answered by the server
	Refused     int // rejected or conflicting commands waiting for a clerk
	LastSuccess time.Time
	LastError   string  // Chinese, for the clerk
	Progress    float64 // 0..1 of the current sync
	// Changed says the last sync brought something the screens show:
	// changes pulled, commands answered or scans fetched.
	Changed bool
	// Upgrade is set when the server no longer speaks this workstation's
	// protocol: sync stops until the software is updated.
	Upgrade bool
	// ClockOffset is how far the PC's clock is behind the server's, as
	// last measured (negative: ahead); past ClockWarning the desk says so.
	ClockOffset time.Duration
}

// pullPage is the changes asked for per pull; a push sends up to maxBatch
// commands, the most the server takes in one.
const pullPage = 500

// Syncer runs push and pull between a Local store and the server.
type Syncer struct {
	Local  Local
	Client *Client
	// Blobs is the local blob store: proofs to upload, scans to prefetch.
	Blobs blobstore.Dir
	// Prefetch names the statuses whose scans are downloaded after a pull:
	// those the device acts on, so the counter works offline.
	Prefetch []data.Status
	// Interval between syncs when idle (DESIGN: 30 s).
	Interval time.Duration
	// Log hears what a support person needs: recoveries after restores.
	Log *slog.Logger

	mu       stdsync.Mutex
	status   Status
	onChange func(Status) // see Watch
	// round lets one sync run at a time: 立即同步 during the loop's round
	// waits for it. Two at once could pull a snapshot showing a command
	// before the other had recorded its answer.
	round stdsync.Mutex
	kick  chan struct{}
	once  stdsync.Once
	// What settle last wrote, under round.
	savedOffset time.Duration
	purgedAt    time.Time
}

// Status returns the current status.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Watch has f called after every status change, from the goroutine of the
// sync that made it, in place of the f watching before.
func (s *Syncer) Watch(f func(Status)) {
	s.mu.Lock()
	s.onChange = f
	s.mu.Unlock()
}

func (s *Syncer) update(fn func(*Status)) {
	s.mu.Lock()
	fn(&s.status)
	st, f := s.status, s.onChange
	s.mu.Unlock()
	if f != nil {
		f(st)
	}
}

func (s *Syncer) kicker() chan struct{} {
	s.once.Do(func() { s.kick = make(chan struct{}, 1) })
	return s.kick
}

// Kick asks the loop to sync now (after a local command, or 立即同步).
func (s *Syncer) Kick() {
	select {
	case s.kicker() <- struct{}{}:
	default:
	}
}

// SyncOnce pushes every pending command, then pulls every new change.
func (s *Syncer) SyncOnce(ctx context.Context) error {
	s.round.Lock()
	defer s.round.Unlock()
	s.update(func(st *Status) { st.Syncing, st.Progress = true, 0 })
	changed, err := s.syncOnce(ctx)
	pending, refused, cerr := s.Local.OutboxCounts(ctx)
	switch {
	case err == nil && (changed || pending+refused > 0): // an idle round every 30 s says nothing
		s.log().Info("sync round", "changed", changed, "pending", pending, "refused", refused)
	case err == nil:
	case errors.Is(err, ErrUnreachable):
		s.log().Info("sync round: server unreachable", "err", err, "pending", pending)
	default:
		s.log().Error("sync round failed", "err", err, "pending", pending, "refused", refused)
	}
	s.update(func(st *Status) {
		// A round that failed did not get anywhere: no full bar.
		st.Syncing, st.Progress, st.Changed = false, 0, changed
		if err == nil {
			st.Progress = 1
		}
		if cerr == nil {
			st.Pending, st.Refused = pending, refused
		}
		if c := s.Client.Clock; c != nil {
			st.ClockOffset = c.Offset()
		}
		switch {
		case err == nil:
			st.Online, st.LastSuccess, st.LastError, st.Upgrade = true, s.now(), "", false
		case errors.Is(err, ErrUnreachable):
			st.Online, st.LastError = false, data.ErrorMessage(err)
		default:
			st.Online, st.LastError = true, data.ErrorMessage(err)
			st.Upgrade = data.ErrorCode(err) == EUPGRADE
		}
	})
	return err
}

// syncOnce is SyncOnce; changed says whether it wrote anything the desk
// shows, even when it failed part way.
func (s *Syncer) syncOnce(ctx context.Context) (changed bool, err error) {
	renumber, err := s.reconcile(ctx)
	if err != nil {
		return false, err
	}
	for renumbered := false; ; {
		if renumber && !renumbered {
			if err := s.renumber(ctx); err != nil {
				return changed, err
			}
			renumber, renumbered, changed = false, true, true
		}
		cmds, err := s.Local.ToPush(ctx, maxBatch)
		if err != nil || len(cmds) == 0 {
			if err != nil {
				return changed, err
			}
			break
		}
		if refused, err := s.uploadProofs(ctx, cmds); err != nil {
			return changed, err
		} else if refused {
			changed = true
			continue // that command now goes as a refusal (see RefuseProof)
		}
		resp, err := s.Client.Push(ctx, cmds)
		if data.ErrorCode(err) == data.ESEQREUSED && !renumbered {
			renumber = true // the server caught what reconcile could not
			continue
		}
		if err != nil {
			return changed, err
		}
		if err := s.Local.RecordResults(ctx, resp.Results, resp.AckedSeq, s.now()); err != nil {
			return changed, err
		}
		for _, r := range resp.Results {
			if r.State != data.StateApplied {
				s.log().Warn("command refused", "seq", r.Seq, "command", r.CommandID, "state", r.State, "code", r.Code)
			}
		}
		changed = changed || len(resp.Results) > 0
		if len(resp.Results) < len(cmds) {
			// The server stopped at a command it cannot take yet; the rest
			// wait for the next round, in order.
			break
		}
	}
	s.update(func(st *Status) { st.Progress = 0.3 })
	if took, err := s.initial(ctx); err != nil {
		return changed, err
	} else if took {
		changed = true
		s.update(func(st *Status) { st.Progress = 0.9 })
	}
	for pages := 0; ; pages++ {
		cursor, err := s.Local.SyncCursor(ctx)
		if err != nil {
			return changed, err
		}
		resp, err := s.Client.Pull(ctx, cursor, pullPage)
		if err != nil {
			return changed, err
		}
		if err := s.Local.ApplyChanges(ctx, resp.Changes, resp.Cursor); err != nil {
			return changed, err
		}
		changed = changed || len(resp.Changes) > 0
		if !resp.More {
			if err := s.settle(ctx); err != nil {
				return changed, err
			}
			fetched, err := s.prefetch(ctx)
			return changed || fetched > 0, err
		}
		// The total is unknown: creep towards the end page by page.
		s.update(func(st *Status) { st.Progress = 0.3 + 0.7*(1-1/float64(pages+2)) })
	}
}

// initial loads a desk that holds nothing yet from one snapshot of its
// scope, from where its pulls go on; a server too old to send one leaves
// it to the pulls. took says a snapshot was applied.
func (s *Syncer) initial(ctx context.Context) (took bool, err error) {
	if fresh, err := s.Local.Fresh(ctx); err != nil || !fresh {
		return false, err
	}
	body, err := s.Client.Snapshot(ctx)
	if errors.Is(err, ErrNoSnapshot) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer body.Close()
	snap, err := s.Local.ApplySnapshot(ctx, body)
	if err != nil {
		return false, err
	}
	s.log().Info("initial snapshot applied", "applications", snap.Applications, "cursor", snap.Cursor)
	return true, nil
}

// now is the server's time as this desk reckons it.
func (s *Syncer) now() time.Time {
	if c := s.Client.Clock; c != nil {
		return c.Now()
	}
	return time.Now()
}

func (s *Syncer) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// reconcile compares what the server knows with what this desk knows
// before anything is pushed, and says whether the desk must renumber.
func (s *Syncer) reconcile(ctx context.Context) (renumber bool, err error) {
	st, err := s.Client.State(ctx)
	if err != nil {
		return false, err
	}
	r, err := s.Local.Reconcile(ctx, *st, s.now())
	if err != nil {
		return false, err
	}
	if r.Restored {
		s.log().Warn("server restored from a backup: answered commands sent again, pulling from the start",
			"epoch", st.Epoch, "server_acked", st.AckedSeq, "server_head", st.Head, "resent", r.Resent, "lost", r.Lost)
	}
	return r.Renumber, nil
}

// renumber recovers a desk restored from an older copy of its folder with
// the server's answers for the seqs it no longer knows.
func (s *Syncer) renumber(ctx context.Context) error {
	st, err := s.Client.State(ctx)
	if err != nil {
		return err
	}
	after, err := s.Local.AckedSeq(ctx)
	if err != nil {
		return err
	}
	var results []data.CommandResult
	for {
		page, err := s.Client.Results(ctx, after)
		if err != nil {
			return err
		}
		results = append(results, page.Results...)
		if !page.More || len(page.Results) == 0 {
			r, err := s.Local.Renumber(ctx, *st, results, page.Numbers, s.now())
			if err == nil {
				s.log().Warn("desk restored from an older copy: renumbered after the server's acknowledged seq",
					"server_acked", st.AckedSeq, "matched", r.Matched, "moved", r.Moved, "reissued_numbers", r.Reissued)
			}
			return err
		}
		after = page.Results[len(page.Results)-1].Seq
	}
}

// settle ends a round that pulled everything: a pull from the start after a
// restore drops what the server no longer has, the clock offset is kept for
// the next start, and answered commands past the retention window go.
func (s *Syncer) settle(ctx context.Context) error {
	now := s.now()
	if dropped, err := s.Local.EndResync(ctx, now); err != nil {
		return err
	} else if dropped > 0 {
		s.log().Warn("resync after a server restore dropped applications the server no longer has", "dropped", dropped)
	}
	// Written only when they change or are due: an idle round every 30 s
	// writes nothing to the desk's database.
	if c := s.Client.Clock; c != nil && (c.Offset()-s.savedOffset).Abs() > time.Second {
		if err := s.Local.SaveClock(ctx, c.Offset()); err != nil {
			return err
		}
		s.savedOffset = c.Offset()
	}
	if now.Sub(s.purgedAt) < time.Hour {
		return nil
	}
	if _, err := s.Local.PurgeSettled(ctx, now); err != nil {
		return err
	}
	s.purgedAt = now
	return nil
}

// uploadProofs sends the payment proofs the commands name before the
// commands themselves, as the server waits for them. A proof the server
// refuses for good (a picture an older release took that today's checks
// do not) refuses its command here, for the clerk to record the payment
// again, rather than hold up every command after it: refused says so.
func (s *Syncer) uploadProofs(ctx context.Context, cmds []data.PushedCommand) (refused bool, err error) {
	for _, c := range cmds {
		p := c.Command.Payment
		if p == nil || p.ProofSHA256 == "" || c.Replay != nil { // a replayed refusal is not applied
			continue
		}
		b, err := os.ReadFile(s.Blobs.Path(p.ProofSHA256))
		if err != nil {
			return refused, fmt.Errorf("proof of command %d: %w", c.Seq, err)
		}
		err = s.Client.UploadBlob(ctx, p.ProofSHA256, b)
		switch {
		case data.ErrorCode(err) == data.EINVALID:
			s.log().Warn("payment proof refused by the server", "seq", c.Seq, "err", err)
			if err := s.Local.RefuseProof(ctx, c.Seq, "缴费凭证未被服务器接受："+data.ErrorMessage(err)+"。请放弃本条，换一张清晰的彩色凭证重新登记缴费"); err != nil {
				return refused, err
			}
			refused = true
		case err != nil:
			return refused, err
		}
	}
	return refused, nil
}

// prefetch downloads the scans of the applications this device acts on and
// says how many came.
func (s *Syncer) prefetch(ctx context.Context) (int, error) {
	if len(s.Prefetch) == 0 {
		return 0, nil
	}
	sums, err := s.Local.BlobsToFetch(ctx, s.Prefetch)
	if err != nil {
		return 0, err
	}
	// One lost or damaged scan must not keep the others from coming.
	var (
		first   error
		fetched int
	)
	for _, sum := range sums {
		if s.Blobs.Has(sum) {
			continue
		}
		err := s.Client.DownloadBlob(ctx, s.Blobs, sum)
		switch {
		case errors.Is(err, ErrUnreachable):
			return fetched, err
		case err == nil:
			fetched++
		case first == nil:
			first = err
		}
	}
	return fetched, first
}

// Run syncs after every Kick and every Interval until ctx ends. While the
// server is unreachable it backs off exponentially with jitter, from 2 s to
// 2 min, so a counter full of offline workstations does not hammer it when
// it returns; a Kick still tries at once.
func (s *Syncer) Run(ctx context.Context) {
	interval := s.Interval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	wait, failures := time.Duration(0), 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kicker():
		case <-time.After(wait):
		}
		if s.Status().Upgrade {
			wait = interval
			continue
		}
		err := s.SyncOnce(ctx)
		switch {
		case err == nil:
			failures, wait = 0, interval
		case errors.Is(err, ErrUnreachable):
			failures++
			wait = backoff(failures)
		default:
			wait = interval
		}
	}
}

func backoff(failures int) time.Duration {
	d := min(2*time.Second<<min(failures-1, 6), 2*time.Minute)
	return time.Duration(float64(d) * (0.5 + rand.Float64()/2))
}
