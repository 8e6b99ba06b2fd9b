// Package notify sends the SMS the workflow promises applicants: through a
// Provider, from the persistent queue the command's transaction filled, at
// least once, with retries and back-off, and given up on after
// data.SMSMaxAttempts failures. The dedupe key travels with every message:
// a Gateway drops repeats, which makes at-least-once delivery land exactly
// once; Alibaba Cloud and Tencent Cloud only keep it for tracing, so a send
// whose answer was lost may reach the phone twice.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"titledesk/data"
)

// Provider hands one message to an SMS service. It must be safe to call
// again with the same message after a failure or a crash.
type Provider interface {
	Name() string
	Send(ctx context.Context, m data.SMS) error
}

// Queue is the persistent store of messages waiting to go out.
type Queue interface {
	PendingSMS(ctx context.Context, now time.Time, limit int) ([]data.SMS, error)
	MarkSMS(ctx context.Context, id int64, sendErr error, now, next time.Time) error
}

// Deliverer moves messages from a Queue to a Provider.
type Deliverer struct {
	Queue    Queue
	Provider Provider
	Log      *slog.Logger
	// Poll is how often the queue is looked at when idle.
	Poll time.Duration
	// RetryBase is the first wait after a failure (default 5 s).
	RetryBase time.Duration
}

// backoff is the wait before the next attempt after attempts failures:
// doubling from base, capped at an hour, with ±20% jitter so a gateway
// coming back is not hit by every message at once.
func backoff(base time.Duration, attempts int) time.Duration {
	if base <= 0 {
		base = 5 * time.Second
	}
	d := min(base<<min(attempts, 10), time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// DeliverDue sends every message that is due now and reports how many went out.
func (d *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	msgs, err := d.Queue.PendingSMS(ctx, time.Now(), 100)
	if err != nil {
		return 0, fmt.Errorf("load due sms: %w", err)
	}
	sent := 0
	for _, m := range msgs {
		if ctx.Err() != nil {
			break // shutting down: the rest wait for the next start
		}
		// A send in flight finishes even when shutting down: cut off, the
		// gateway may have taken it while it is noted as failed, and sent
		// again at the next start.
		send, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		err := d.Provider.Send(send, m)
		cancel()
		if err != nil {
			d.logger().Warn("sms send failed", "id", m.ID, "template", m.Template, "attempt", m.Attempts+1, "err", err)
		}
		now := time.Now()
		// Recorded even when shutting down: a message the gateway took must
		// not be sent again for want of a note.
		if err := d.Queue.MarkSMS(context.WithoutCancel(ctx), m.ID, err, now, now.Add(backoff(d.RetryBase, m.Attempts))); err != nil {
			return sent, err
		}
		if err == nil {
			sent++
		}
	}
	return sent, nil
}

// sendTimeout bounds one send, which shutting down waits for.
const sendTimeout = 30 * time.Second

// Run delivers until ctx ends.
func (d *Deliverer) Run(ctx context.Context) {
	poll := d.Poll
	if poll <= 0 {
		poll = 5 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.logger().Error("sms delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}
