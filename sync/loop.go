package sync

import (
	"context"
	"errors"
	"fmt"
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
	RecordResults(ctx context.Context, results []data.CommandResult, acked int64) error
	SyncCursor(ctx context.Context) (int64, error)
	ApplyChanges(ctx context.Context, changes []data.Change, cursor int64) error
	OutboxCounts(ctx context.Context) (pending, refused int, err error)
	BlobsToFetch(ctx context.Context, statuses []data.Status) ([]string, error)
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

	mu       stdsync.Mutex
	status   Status
	onChange func(Status) // see Watch
	// round lets one sync run at a time: 立即同步 during the loop's round
	// waits for it. Two at once could pull a snapshot showing a command
	// before the other had recorded its answer.
	round stdsync.Mutex
	kick  chan struct{}
	once  stdsync.Once
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
	s.update(func(st *Status) {
		st.Syncing, st.Progress, st.Changed = false, 1, changed
		if cerr == nil {
			st.Pending, st.Refused = pending, refused
		}
		switch {
		case err == nil:
			st.Online, st.LastSuccess, st.LastError, st.Upgrade = true, time.Now(), "", false
		case errors.Is(err, ErrUnreachable):
			st.Online, st.LastError = false, "无法连接市局服务器，操作已保存在本机，恢复连接后自动同步"
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
	for {
		cmds, err := s.Local.ToPush(ctx, maxBatch)
		if err != nil || len(cmds) == 0 {
			if err != nil {
				return changed, err
			}
			break
		}
		if err := s.uploadProofs(ctx, cmds); err != nil {
			return changed, err
		}
		resp, err := s.Client.Push(ctx, cmds)
		if err != nil {
			return changed, err
		}
		if err := s.Local.RecordResults(ctx, resp.Results, resp.AckedSeq); err != nil {
			return changed, err
		}
		changed = changed || len(resp.Results) > 0
		if len(resp.Results) < len(cmds) {
			// The server stopped at a command it cannot take yet; the rest
			// wait for the next round, in order.
			break
		}
	}
	s.update(func(st *Status) { st.Progress = 0.3 })
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
			fetched, err := s.prefetch(ctx)
			return changed || fetched > 0, err
		}
		// The total is unknown: creep towards the end page by page.
		s.update(func(st *Status) { st.Progress = 0.3 + 0.7*(1-1/float64(pages+2)) })
	}
}

// uploadProofs sends the payment proofs the commands name before the
// commands themselves, as the server waits for them.
func (s *Syncer) uploadProofs(ctx context.Context, cmds []data.PushedCommand) error {
	for _, c := range cmds {
		p := c.Command.Payment
		if p == nil || p.ProofSHA256 == "" {
			continue
		}
		b, err := os.ReadFile(s.Blobs.Path(p.ProofSHA256))
		if err != nil {
			return fmt.Errorf("proof of command %d: %w", c.Seq, err)
		}
		if err := s.Client.UploadBlob(ctx, p.ProofSHA256, b); err != nil {
			return err
		}
	}
	return nil
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
