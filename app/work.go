package app

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/sqlite"
)

// View is an application as the clerk sees it: the last server snapshot
// with this desk's unsynced commands laid on top.
type View struct {
	data.Application
	// Pending are this desk's commands on it not yet confirmed (待同步);
	// Refused are those the server rejected or found in conflict.
	Pending, Refused []sqlite.OutboxEntry
	// Actions are the commands the logged-in clerk may issue now.
	Actions []data.Transition
	// Withdrawable is the pending decision the clerk may still withdraw
	// (撤销), if any.
	Withdrawable *sqlite.OutboxEntry
}

// env is what the state machine needs here: the clock, and the bureau's
// calendar and finance settings as last synced.
func (d *Desk) env(ctx context.Context) (data.Env, error) { return d.Store.Env(ctx, d.Now()) }

// View loads one application as this desk shows it, with the commands that
// wait for the server or that it refused.
func (d *Desk) View(ctx context.Context, id string) (*View, error) {
	base, err := d.Store.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	entries, err := d.Store.OutboxFor(ctx, id)
	if err != nil {
		return nil, err
	}
	// The stored application already shows this desk's commands (see
	// sqlite's server_snapshots); the entries say which wait for the server.
	v := &View{Application: *base}
	if seq, ok := sqlite.Withdrawable(entries)[id]; ok {
		i := slices.IndexFunc(entries, func(e sqlite.OutboxEntry) bool { return e.Seq == seq })
		v.Withdrawable = &entries[i]
	}
	for _, e := range entries {
		switch e.State {
		case data.StateRejected, data.StateConflict:
			v.Refused = append(v.Refused, e)
		case sqlite.StatePending:
			v.Pending = append(v.Pending, e)
		}
	}
	if a, err := d.actor(); err == nil {
		env, err := d.env(ctx)
		if err != nil {
			return nil, err
		}
		v.Actions = data.Actions(&v.Application, a, env)
	}
	return v, nil
}

// Do applies a command the clerk issued: it is checked against the stored
// application at once (so mistakes are told now, not after a sync), kept in
// the outbox with its change, and the sync loop is woken. It returns the
// view after the command. cmd.ExpectedVersion is the version of the view
// the clerk decided on, or 0 for the one stored now.
func (d *Desk) Do(ctx context.Context, cmd data.Command) (*View, error) { return d.issue(ctx, cmd, 0) }

// issue is Do; redoes is the refused entry the command issues again, or 0.
func (d *Desk) issue(ctx context.Context, cmd data.Command, redoes int64) (*View, error) {
	actor, err := d.actor()
	if err != nil {
		return nil, err
	}
	env, err := d.env(ctx)
	if err != nil {
		return nil, err
	}
	cmd.ID, cmd.Actor = uuid.NewString(), actor
	// Enqueue checks it against the state machine as it keeps it, and
	// takes the version stored now when the screen named none.
	if _, err := d.Store.Enqueue(ctx, cmd, env, true, redoes); err != nil {
		return nil, err
	}
	if s := d.Syncer(); s != nil {
		s.Kick()
	}
	return d.View(ctx, cmd.ApplicationID)
}

// Redo issues a refused command again against the current state: the clerk
// has looked at the server's state and still wants it. The refused entry is
// set aside with it, in one transaction: a second Redo of it is refused.
func (d *Desk) Redo(ctx context.Context, seq int64) (*View, error) {
	entries, err := d.Store.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Seq != seq {
			continue
		}
		cmd := e.Command
		cmd.ExpectedVersion = 0 // on the state the clerk looked at before redoing it
		return d.issue(ctx, cmd, seq)
	}
	return nil, data.Errorf(data.ENOTFOUND, "找不到该操作")
}

// Withdraw withdraws (撤销) a decision not yet sent, as
// sqlite.Store.Withdraw, and returns the application as it is without it.
// Sync is woken: the withdrawn seq is answered before those after it go.
func (d *Desk) Withdraw(ctx context.Context, seq int64) (*View, error) {
	id, err := d.Store.Withdraw(ctx, seq)
	if err != nil {
		return nil, err
	}
	if s := d.Syncer(); s != nil {
		s.Kick()
	}
	return d.View(ctx, id)
}

// Withdrawable are the outbox entries the clerk may withdraw, by
// application (sqlite.Withdrawable).
func Withdrawable(entries []OutboxEntry) map[string]int64 { return sqlite.Withdrawable(entries) }

// Discard lets a refused command go; it stays on record as discarded.
func (d *Desk) Discard(ctx context.Context, seq int64) error { return d.Store.Discard(ctx, seq) }

// Queue lists applications for a task, scoped to this desk.
func (d *Desk) Queue(ctx context.Context, f data.ApplicationFilter) ([]data.ApplicationSummary, int, error) {
	if dev := d.Device(); dev != nil && dev.Role == data.RoleClerk {
		f.LiaisonPointID = dev.LiaisonPointID
	}
	return d.Store.FindApplications(ctx, f)
}
