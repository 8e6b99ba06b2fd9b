package app

import (
	"context"

	"titledesk/data"
	"titledesk/data/sqlite"
	"titledesk/forms"
	tdsync "titledesk/sync"
)

// What the screens show of the desk's store, its sync and the seals it
// checks: ui talks to app only, so the types it names are app's.
type (
	OutboxEntry        = sqlite.OutboxEntry        // a command as the desk keeps it
	SettlementEntry    = sqlite.SettlementEntry    // a payment or refund in a clerk's 日结
	MonthRow           = sqlite.MonthRow           // a point's money of one channel in a month
	ReconcileException = sqlite.ReconcileException // a payment that did not reconcile
	Notice             = sqlite.Notice             // what sync did by itself
	SyncStatus         = tdsync.Status             // what the window shows about sync
	SealStatus         = forms.Status              // the verdict on a scanned seal
)

// StatePending is an outbox entry the server has not answered yet.
const StatePending = sqlite.StatePending

// The verdicts on a scanned seal (forms.Verify).
const (
	SealGenuine    = forms.Genuine
	SealForged     = forms.Forged
	SealStale      = forms.Stale
	SealUnknownKey = forms.UnknownKey
	SealNoRecord   = forms.NoRecord
	SealRevoked    = forms.Revoked
	SealUnreadable = forms.Unreadable
)

// Outbox lists the commands a clerk sees: pending and refused ones.
func (d *Desk) Outbox(ctx context.Context) ([]OutboxEntry, error) { return d.Store.Outbox(ctx) }

// OutboxCounts is how many commands wait for the server and how many it
// refused.
func (d *Desk) OutboxCounts(ctx context.Context) (pending, refused int, err error) {
	return d.Store.OutboxCounts(ctx)
}

// Application is an application as stored here, this desk's commands on it.
func (d *Desk) Application(ctx context.Context, id string) (*data.Application, error) {
	return d.Store.Application(ctx, id)
}

// ServerSnapshot is an application as the server last sent it.
func (d *Desk) ServerSnapshot(ctx context.Context, id string) (*data.Application, error) {
	return d.Store.ServerSnapshot(ctx, id)
}

// Calendar is the bureau's working-day calendar as last synced.
func (d *Desk) Calendar(ctx context.Context) (*data.Calendar, error) { return d.Store.Calendar(ctx) }

// LiaisonPoint is a liaison point as last synced.
func (d *Desk) LiaisonPoint(ctx context.Context, id string) (*data.LiaisonPoint, error) {
	return d.Store.LiaisonPoint(ctx, id)
}

// Reasons are the common reasons (常用原因) of a step.
func (d *Desk) Reasons(ctx context.Context, step data.ReasonStep) ([]data.Reason, error) {
	return d.Store.Reasons(ctx, step)
}

// SyncStatus is the sync state now; ok is false before enrollment.
func (d *Desk) SyncStatus() (st SyncStatus, ok bool) {
	if s := d.Syncer(); s != nil {
		return s.Status(), true
	}
	return st, false
}

// WatchSync has f hear every sync round's status changes, the loop's and
// SyncNow's alike, in place of the one watching before.
func (d *Desk) WatchSync(f func(SyncStatus)) {
	if s := d.Syncer(); s != nil {
		s.Watch(f)
	}
}

// SyncNow runs one round of sync (立即同步), after the loop's round if one
// is under way.
func (d *Desk) SyncNow(ctx context.Context) error {
	s := d.Syncer()
	if s == nil {
		return data.Errorf(data.EUNAUTHORIZED, "本工作站尚未注册")
	}
	return s.SyncOnce(ctx)
}

// ServerURL is the address of the bureau server this desk syncs with.
func (d *Desk) ServerURL() string {
	if s := d.Syncer(); s != nil {
		return s.Client.BaseURL
	}
	return ""
}
