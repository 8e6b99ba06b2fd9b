package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"titledesk/data"
)

// Identity is who an enrolled workstation is.
type Identity struct {
	ServerURL       string
	Fingerprint     string
	Device          data.Device
	Token           string
	PrivateKey      []byte // PEM
	BureauKeyID     string
	BureauPublicKey []byte
	// ClockOffset is the PC clock's offset to the server's as last
	// measured (server minus PC); RetentionDays how long answered commands
	// are kept. Both are kept by their own methods, not SaveIdentity.
	ClockOffset   time.Duration
	RetentionDays int
}

// SaveIdentity stores the workstation's enrollment, replacing any earlier
// one and starting sync from the beginning.
func (s *Store) SaveIdentity(ctx context.Context, id *Identity) error {
	dev, err := json.Marshal(id.Device)
	if err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `INSERT OR REPLACE INTO identity (only, server_url, fingerprint, device, token, private_key, bureau_key_id, bureau_public_key)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?)`, id.ServerURL, id.Fingerprint, string(dev), id.Token, id.PrivateKey, id.BureauKeyID, id.BureauPublicKey)
		return err
	})
}

// Identity returns the workstation's enrollment, ENOTFOUND before it has one.
func (s *Store) Identity(ctx context.Context) (*Identity, error) {
	var (
		id  Identity
		dev string
	)
	err := s.inRead(ctx, func(tx *txn) error {
		err := queryRow(ctx, tx, `SELECT server_url, fingerprint, device, token, private_key, bureau_key_id, bureau_public_key, clock_offset, retention_days FROM identity`).
			Scan(&id.ServerURL, &id.Fingerprint, &dev, &id.Token, &id.PrivateKey, &id.BureauKeyID, &id.BureauPublicKey, &id.ClockOffset, &id.RetentionDays)
		if errors.Is(err, sql.ErrNoRows) {
			return data.Errorf(data.ENOTFOUND, "本工作站尚未注册")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &id, json.Unmarshal([]byte(dev), &id.Device)
}

// OutboxEntry is one clerk action as the workstation keeps it.
type OutboxEntry struct {
	Seq     int64
	At      time.Time
	Command data.Command
	State   string // pending, applied, rejected, conflict, discarded, withdrawn
	Code    string
	Message string
	Version int64 // the application's version after an applied command
	After   int64 // see data.PushedCommand
	Laid    bool  // a pending command shows in the stored application
	Resend  bool  // answered by a server since restored: sent again
}

// Local states of an outbox entry besides the server's outcomes.
const (
	StatePending = "pending" // the server has not answered it yet
	// StateWithdrawn is a command the clerk withdrew (撤销) before the
	// server answered it: it goes as a refusal (Replay) so that its seq is
	// answered and nothing is applied, unless the server had applied it
	// already, which the answer then says.
	StateWithdrawn = "withdrawn"
)

// WithdrawnMessage is how a withdrawn command's seq is answered.
const WithdrawnMessage = "经办人在同步前撤销了该操作"

// Enqueue keeps a clerk's command, issued at env.Now, with the next seq of
// this device and, when local, applies it to the stored application in the
// same transaction: the state machine's verdict is the clerk's answer, and a
// pull landing since the clerk's view was read makes the command fail its
// version check here, as it would on the server. The server's snapshot
// is set aside first, if it is not already (see server_snapshots). redoes
// is the refused entry the command issues again, set aside in the same
// transaction (0 for none), so a redo is kept once or not at all. A local
// command that expects no version (0) expects the one stored now.
func (s *Store) Enqueue(ctx context.Context, cmd data.Command, env data.Env, local bool, redoes int64) (int64, error) {
	var seq int64
	err := s.inWrite(ctx, func(tx *txn) error {
		if redoes > 0 {
			if err := discardTx(ctx, tx, redoes); err != nil {
				return err
			}
		}
		if local {
			stored, err := findApplication(ctx, tx, `id = ?`, cmd.ApplicationID)
			if err != nil {
				return err
			}
			if cmd.ExpectedVersion == 0 {
				cmd.ExpectedVersion = stored.Version
			}
			out, err := data.Apply(stored, cmd, env)
			if err != nil {
				return err
			}
			if err := keepSnapshot(ctx, tx, stored, false); err != nil {
				return err
			}
			if err := saveApplication(ctx, tx, &out.Application, stored); err != nil {
				return err
			}
		}
		var err error
		if seq, err = nextCounter(ctx, tx, "outbox_seq"); err != nil {
			return err
		}
		after, err := predecessor(ctx, tx, cmd)
		if err != nil {
			return err
		}
		body, err := json.Marshal(cmd)
		if err != nil {
			return err
		}
		_, err = exec(ctx, tx, `INSERT INTO outbox (seq, command_id, application_id, at, command, after_seq, laid) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			seq, cmd.ID, cmd.ApplicationID, env.Now.UnixNano(), string(body), after, local)
		return err
	})
	return seq, err
}

// predecessor is the desk's command cmd was decided on top of: the latest
// pending decision on its application that shows in it (0 for none, and for
// a claim or a print, which stand on their own). See migration 025.
func predecessor(ctx context.Context, tx *txn, cmd data.Command) (int64, error) {
	if !cmd.Action.Versioned() {
		return 0, nil
	}
	entries, err := outboxTx(ctx, tx, `application_id = ? AND state = 'pending' AND laid ORDER BY seq DESC`, cmd.ApplicationID)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		if e.Command.Action.Versioned() {
			return e.Seq, nil
		}
	}
	return 0, nil
}

// ServerSnapshot is application id as the server last sent it: the kept
// snapshot while this desk has commands on it, else the stored application.
func (s *Store) ServerSnapshot(ctx context.Context, id string) (*data.Application, error) {
	var a *data.Application
	err := s.inRead(ctx, func(tx *txn) (err error) {
		if a, err = keptSnapshot(ctx, tx, id); a == nil && err == nil {
			a, err = findApplication(ctx, tx, `id = ?`, id)
		}
		return err
	})
	return a, err
}

// keptSnapshot is the server snapshot kept aside for application id, nil
// when none is.
func keptSnapshot(ctx context.Context, tx *txn, id string) (*data.Application, error) {
	var body string
	err := queryRow(ctx, tx, `SELECT body FROM server_snapshots WHERE application_id = ?`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var a data.Application
	return &a, json.Unmarshal([]byte(body), &a)
}

// relayQueued lays the desk's unanswered commands on its applications
// again once the outbox records their order (migration 025): commands kept
// by a build before migration 024, which wrote no local change and kept no
// snapshot, and those of a build before 025. Each pending decision goes
// after the pending decision before it: those builds kept no record of
// which still showed when the clerk made the next, so a decision after one
// that no longer applies is refused with it, the safe side.
func (s *Store) relayQueued(ctx context.Context, tx *txn) error {
	unkept, err := queryStrings(ctx, tx, `SELECT DISTINCT application_id FROM outbox WHERE state IN ('pending', 'applied')
		AND application_id NOT IN (SELECT application_id FROM server_snapshots)
		AND application_id IN (SELECT id FROM applications)`)
	if err != nil {
		return err
	}
	for _, id := range unkept {
		stored, err := findApplication(ctx, tx, `id = ?`, id)
		if err != nil {
			return err
		}
		if err := keepSnapshot(ctx, tx, stored, false); err != nil {
			return err
		}
	}
	ids, err := queryStrings(ctx, tx, `SELECT application_id FROM server_snapshots`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		entries, err := outboxTx(ctx, tx, `application_id = ? AND state = 'pending' ORDER BY seq`, id)
		if err != nil {
			return err
		}
		var prior int64
		for _, e := range entries {
			if !e.Command.Action.Versioned() {
				continue
			}
			if _, err := exec(ctx, tx, `UPDATE outbox SET after_seq = ? WHERE seq = ?`, prior, e.Seq); err != nil {
				return err
			}
			prior = e.Seq
		}
		if err := s.relay(ctx, tx, id); err != nil {
			return err
		}
	}
	return trimApplied(ctx, tx)
}

// keepSnapshot sets a server snapshot aside; replace says whether it takes
// the place of one already kept (a pulled snapshot does, the stored
// application a command is about to change does not: it may already carry
// earlier commands).
func keepSnapshot(ctx context.Context, tx *txn, a *data.Application, replace bool) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	verb := "INSERT OR IGNORE"
	if replace {
		verb = "INSERT OR REPLACE"
	}
	_, err = exec(ctx, tx, verb+` INTO server_snapshots (application_id, version, body) VALUES (?, ?, ?)`, a.ID, a.Version, string(body))
	return err
}

// relay stores application id as its kept server snapshot with this desk's
// unanswered commands laid on it, and the commands the server applied that
// the snapshot does not show yet; with none left, the snapshot alone (its
// caller's trimApplied then stops keeping it aside). Commands that no longer apply (the server's state moved
// on), and those decided on top of a refused one or one left out, are left
// out, as the server will refuse them; each pending command's laid says
// which.
func (s *Store) relay(ctx context.Context, tx *txn, id string) error {
	kept, err := keptSnapshot(ctx, tx, id)
	if kept == nil || err != nil {
		return err
	}
	return s.relayOn(ctx, tx, *kept)
}

// relayOn is relay with the kept snapshot a at hand.
func (s *Store) relayOn(ctx context.Context, tx *txn, a data.Application) error {
	id := a.ID
	entries, err := outboxTx(ctx, tx, `application_id = ? AND NOT settled AND (state <> 'applied' OR version > ?) ORDER BY seq`, id, a.Version)
	if err != nil {
		return err
	}
	var (
		env    *data.Env
		unlaid = map[int64]bool{} // refused, or pending and left out
	)
	for _, e := range entries {
		if e.State != StatePending && e.State != data.StateApplied {
			unlaid[e.Seq] = true
			continue
		}
		if env == nil {
			base, err := s.envTx(ctx, tx, e.At)
			if err != nil {
				return err
			}
			env = &base
		}
		laid := !unlaid[e.After]
		if laid {
			env.Now = e.At
			out, err := data.Apply(&a, e.Command, *env)
			if laid = err == nil; laid {
				a = out.Application
			}
		}
		if e.State != StatePending {
			continue
		}
		unlaid[e.Seq] = !laid
		if laid != e.Laid {
			if _, err := exec(ctx, tx, `UPDATE outbox SET laid = ? WHERE seq = ?`, laid, e.Seq); err != nil {
				return err
			}
		}
	}
	stored, err := findApplication(ctx, tx, `id = ?`, id)
	if data.ErrorCode(err) == data.ENOTFOUND {
		stored = nil // moved away and back: written whole
	} else if err != nil {
		return err
	}
	return saveApplication(ctx, tx, &a, stored)
}

const outboxColumns = `seq, at, command, state, code, message, version, after_seq, laid, resend`

// outboxTx reads the entries that match where (which may order and limit
// them).
func outboxTx(ctx context.Context, tx *txn, where string, args ...any) ([]OutboxEntry, error) {
	rows, err := query(ctx, tx, `SELECT `+outboxColumns+` FROM outbox WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var (
			e   OutboxEntry
			cmd string
		)
		if err := rows.Scan(&e.Seq, nullTime{&e.At}, &cmd, &e.State, &e.Code, &e.Message, &e.Version, &e.After, &e.Laid, &e.Resend); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(cmd), &e.Command); err != nil {
			return nil, fmt.Errorf("outbox %d: %w", e.Seq, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// outbox lists entries that match where, oldest first.
func (s *Store) outbox(ctx context.Context, where string, limit int, args ...any) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.inRead(ctx, func(tx *txn) (err error) {
		out, err = outboxTx(ctx, tx, where+` ORDER BY seq LIMIT ?`, append(args, limit)...)
		return err
	})
	return out, err
}

// shown are the entries a clerk sees: not discarded or withdrawn, and not
// settled (applied and shown by the server's copy; kept only for a restore).
const shown = `state NOT IN ('discarded', 'withdrawn') AND NOT settled`

// Outbox lists every entry a clerk sees: pending ones and those the server
// refused, which wait for a clerk.
func (s *Store) Outbox(ctx context.Context) ([]OutboxEntry, error) { return s.outbox(ctx, shown, -1) }

// Kept lists every entry the desk still keeps, settled and discarded ones
// too: what this desk sent, for support and for checking a recovery.
func (s *Store) Kept(ctx context.Context) ([]OutboxEntry, error) { return s.outbox(ctx, `1`, -1) }

// OutboxFor lists the entries of one application, to lay over its snapshot.
func (s *Store) OutboxFor(ctx context.Context, applicationID string) ([]OutboxEntry, error) {
	return s.outbox(ctx, shown+` AND application_id = ?`, -1, applicationID)
}

// ToPush returns up to limit commands to send in seq order: the pending
// ones, and after a server restore the answered ones it may have forgotten
// (see Reconcile), a refused one with the refusal it was given.
func (s *Store) ToPush(ctx context.Context, limit int) ([]data.PushedCommand, error) {
	entries, err := s.outbox(ctx, `(state = 'pending' OR resend)`, limit)
	out := make([]data.PushedCommand, len(entries))
	for i, e := range entries {
		out[i] = data.PushedCommand{Seq: e.Seq, At: e.At, Command: e.Command, After: e.After}
		if e.Resend && e.State != StatePending && e.State != data.StateApplied {
			out[i].Replay = &data.CommandResult{Seq: e.Seq, CommandID: e.Command.ID, State: refusal(e), Code: e.Code, Message: e.Message}
		}
	}
	return out, err
}

// refusal is how the server refused an entry, though a clerk has discarded
// it since, or how a withdrawn one is to be answered.
func refusal(e OutboxEntry) string {
	if e.State == "discarded" || e.State == StateWithdrawn {
		if e.Code == data.ECONFLICT {
			return data.StateConflict
		}
		return data.StateRejected
	}
	return e.State
}

// RecordResults stores the server's outcomes, answered at now, and its
// acknowledged seq. Applied entries stay (laid over the snapshot) until a
// pulled snapshot reaches their version; see trimApplied. An application
// one of whose commands was refused is shown again without it (relay).
func (s *Store) RecordResults(ctx context.Context, results []data.CommandResult, acked int64, now time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		// Every answer first, then each application with a refused command
		// once: relayed earlier, it would lay on its next commands while
		// they are still pending, even if the same batch refuses them too.
		var refused []string
		for _, r := range results {
			id, err := recordResult(ctx, tx, r, now)
			if err != nil {
				return err
			}
			if id != "" && !slices.Contains(refused, id) {
				refused = append(refused, id)
			}
		}
		for _, id := range refused {
			if err := s.relay(ctx, tx, id); err != nil {
				return err
			}
		}
		if _, err := exec(ctx, tx, `UPDATE identity SET acked_seq = max(acked_seq, ?)`, acked); err != nil {
			return err
		}
		return trimApplied(ctx, tx)
	})
}

// recordResult stores one outcome and returns the application of a command
// that is refused now ("" otherwise). A pending entry takes the outcome. An
// entry sent again after a server restore keeps the refusal it had, or,
// applied before, takes the new version, or the new refusal, which says
// that it came after a restore.
func recordResult(ctx context.Context, tx *txn, r data.CommandResult, now time.Time) (string, error) {
	var (
		id, state string
		resend    bool
	)
	err := queryRow(ctx, tx, `SELECT application_id, state, resend FROM outbox WHERE seq = ? AND (state = 'pending' OR resend)`, r.Seq).
		Scan(&id, &state, &resend)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil // answered before: a replayed batch
	case err != nil:
		return "", err
	case state == StateWithdrawn && r.State == data.StateApplied:
		// It reached the server before the clerk withdrew it (an answer
		// lost, or a push on its way): the server's outcome stands, and the
		// application is laid out with it again.
		r.Message = "撤销前该操作已送达市局服务器并已执行，未能撤销"
		if _, err = exec(ctx, tx, `UPDATE outbox SET state = ?, message = ?, version = ?, resend = 0, settled = 0, answered_at = ? WHERE seq = ?`,
			r.State, r.Message, r.Version, now.UnixNano(), r.Seq); err != nil {
			return "", err
		}
		var no, action string
		if err := queryRow(ctx, tx, `SELECT coalesce((SELECT no FROM applications WHERE id = ?), ?), command ->> '$.Action' FROM outbox WHERE seq = ?`, id, id, r.Seq).
			Scan(&no, &action); err != nil {
			return "", err
		}
		return id, addNotice(ctx, tx, now, fmt.Sprintf("申请 %s 的“%s”：%s", no, data.Action(action).Label(), r.Message))
	case resend && state != data.StateApplied:
		_, err = exec(ctx, tx, `UPDATE outbox SET resend = 0, answered_at = ? WHERE seq = ?`, now.UnixNano(), r.Seq)
		return "", err
	case resend && r.State != data.StateApplied:
		r.Message = "市局服务器从备份恢复后重新提交，未被接受：" + r.Message
	}
	_, err = exec(ctx, tx, `UPDATE outbox SET state = ?, code = ?, message = ?, version = ?, resend = 0, settled = 0, answered_at = ? WHERE seq = ?`,
		r.State, r.Code, r.Message, r.Version, now.UnixNano(), r.Seq)
	if err != nil || r.State == data.StateApplied {
		return "", err
	}
	return id, nil
}

// trimApplied drops applied entries whose effect the local snapshot
// already shows.
func trimApplied(ctx context.Context, tx *txn) error {
	// The server's snapshot is the kept one if there is one. An application
	// moved to another point is gone from here: nothing will show its
	// applied commands any more. Settled entries are kept for a while all
	// the same, to be sent again should the server be restored from a
	// backup that lacks them (PurgeSettled).
	if _, err := exec(ctx, tx, `UPDATE outbox INDEXED BY outbox_unsettled SET settled = 1 WHERE state = 'applied' AND NOT settled AND NOT resend AND version <= coalesce(
		(SELECT version FROM server_snapshots WHERE application_id = outbox.application_id),
		(SELECT version FROM applications WHERE applications.id = outbox.application_id), version)`); err != nil {
		return err
	}
	// A snapshot no command needs any more goes: after a print, say, which
	// changes nothing the server would send back. The stored application
	// stays as it is (a claim the snapshot does not show yet is on it).
	_, err := exec(ctx, tx, `DELETE FROM server_snapshots WHERE NOT EXISTS (SELECT 1 FROM outbox
		WHERE outbox.application_id = server_snapshots.application_id AND (state = 'pending' OR state = 'applied' AND NOT settled AND version > server_snapshots.version))`)
	return err
}

// Withdrawable are the entries a clerk may still withdraw (撤销), by
// application: of an application's shown entries the last, when it is a
// decision the server has not answered and the application shows. A
// decision this desk did more on since (a print, a further decision) stays:
// what followed was decided on it.
func Withdrawable(entries []OutboxEntry) map[string]int64 {
	last := map[string]OutboxEntry{}
	for _, e := range entries {
		last[e.Command.ApplicationID] = e
	}
	out := map[string]int64{}
	for id, e := range last {
		if e.State == StatePending && e.Laid && e.Command.Action.Versioned() {
			out[id] = e.Seq
		}
	}
	return out
}

// Withdraw withdraws (撤销) a decision the server has not answered: the
// application is shown again without it, and the entry is sent as a
// refusal (see StateWithdrawn). It returns the application's id.
func (s *Store) Withdraw(ctx context.Context, seq int64) (string, error) {
	var id string
	err := s.inWrite(ctx, func(tx *txn) error {
		err := queryRow(ctx, tx, `SELECT application_id FROM outbox WHERE seq = ?`, seq).Scan(&id)
		if err != nil {
			return notFound(err, "操作", seq)
		}
		entries, err := outboxTx(ctx, tx, shown+` AND application_id = ? ORDER BY seq`, id)
		if err != nil {
			return err
		}
		if Withdrawable(entries)[id] != seq {
			return data.Errorf(data.ECONFLICT, "只能撤销一份申请最后一条、还未同步到市局服务器的决定；已同步或其后还有操作的不能撤销")
		}
		if _, err := exec(ctx, tx, `UPDATE outbox SET state = ?, code = ?, message = ?, resend = 1 WHERE seq = ?`,
			StateWithdrawn, data.EINVALID, WithdrawnMessage, seq); err != nil {
			return err
		}
		return s.relay(ctx, tx, id)
	})
	return id, err
}

// Discard sets a refused entry aside once a clerk has seen it; it is kept,
// marked discarded, as the record that the clerk let it go.
func (s *Store) Discard(ctx context.Context, seq int64) error {
	return s.inWrite(ctx, func(tx *txn) error { return discardTx(ctx, tx, seq) })
}

func discardTx(ctx context.Context, tx *txn, seq int64) error {
	res, err := exec(ctx, tx, `UPDATE outbox SET state = 'discarded' WHERE seq = ? AND state IN ('rejected', 'conflict')`, seq)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return data.Errorf(data.ECONFLICT, "只能重做或放弃被服务器拒绝或冲突、还未处理的操作")
	}
	// An application a restored server no longer has goes with the last
	// refusal shown on it (EndResync).
	_, err = dropOrphans(ctx, tx)
	return err
}

// SyncCursor returns where the next pull starts.
func (s *Store) SyncCursor(ctx context.Context) (int64, error) {
	var c int64
	err := s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT coalesce((SELECT cursor FROM identity), 0)`).Scan(&c)
	})
	return c, err
}

// ApplyChanges stores a pulled page and its cursor in one transaction, so a
// crash leaves either both or neither.
func (s *Store) ApplyChanges(ctx context.Context, changes []data.Change, cursor int64) error {
	return s.inWrite(ctx, func(tx *txn) error {
		// Few applications have a snapshot kept: read which once, not per change.
		ids, err := queryStrings(ctx, tx, `SELECT application_id FROM server_snapshots`)
		if err != nil {
			return err
		}
		kept := map[string]bool{}
		for _, id := range ids {
			kept[id] = true
		}
		// A pull from the start after a restore notes what it brings
		// (EndResync); an application it had given up on that comes back
		// is no longer given up on.
		var resync, orphans bool
		if err := queryRow(ctx, tx, `SELECT coalesce((SELECT resync FROM identity), 0), EXISTS (SELECT 1 FROM resync_orphans)`).Scan(&resync, &orphans); err != nil {
			return err
		}
		for _, c := range changes {
			if err := s.applyChange(ctx, tx, c, kept); err != nil {
				return fmt.Errorf("change %d (%s %s): %w", c.Seq, c.Kind, c.ID, err)
			}
			if resync && c.Kind == data.ChangeApplication {
				if _, err := exec(ctx, tx, `INSERT OR IGNORE INTO resync_seen (application_id) VALUES (?)`, c.ID); err != nil {
					return err
				}
			}
			if orphans && c.Kind == data.ChangeApplication {
				if _, err := exec(ctx, tx, `DELETE FROM resync_orphans WHERE application_id = ?`, c.ID); err != nil {
					return err
				}
			}
		}
		if _, err := exec(ctx, tx, `UPDATE identity SET cursor = ?`, cursor); err != nil {
			return err
		}
		return trimApplied(ctx, tx)
	})
}

func (s *Store) applyChange(ctx context.Context, tx *txn, c data.Change, kept map[string]bool) error {
	switch c.Kind {
	case data.ChangeApplication:
		var a data.Application
		if err := json.Unmarshal(c.Data, &a); err != nil {
			return err
		}
		// With commands of this desk still to show, the pulled snapshot is
		// kept aside and they are laid on it.
		if !kept[a.ID] {
			return saveApplication(ctx, tx, &a, nil)
		}
		if err := keepSnapshot(ctx, tx, &a, true); err != nil {
			return err
		}
		return s.relayOn(ctx, tx, a)
	case data.ChangeClerk:
		var v data.Clerk
		if err := json.Unmarshal(c.Data, &v); err != nil {
			return err
		}
		return saveClerkTx(ctx, tx, &v)
	case data.ChangePoint:
		var v data.LiaisonPoint
		if err := json.Unmarshal(c.Data, &v); err != nil {
			return err
		}
		return savePointTx(ctx, tx, &v)
	case data.ChangeReasons:
		var v []data.Reason
		if err := json.Unmarshal(c.Data, &v); err != nil {
			return err
		}
		return replaceReasonsTx(ctx, tx, v)
	case data.ChangeFees:
		var v []data.Fee
		if err := json.Unmarshal(c.Data, &v); err != nil {
			return err
		}
		return replaceFeesTx(ctx, tx, v)
	case data.ChangeCalendar:
		var v []data.CalendarDay
		if err := json.Unmarshal(c.Data, &v); err != nil {
			return err
		}
		return replaceCalendarTx(ctx, tx, v)
	case data.ChangeFinance:
		var v data.FinanceSettings
		if err := json.Unmarshal(c.Data, &v); err != nil {
			return err
		}
		return saveFinanceTx(ctx, tx, v)
	case data.ChangeMovedAway:
		var appID string
		if err := json.Unmarshal(c.Data, &appID); err != nil {
			return err
		}
		// Pulls run in seq order: if it came back later, its snapshot follows.
		if _, err := exec(ctx, tx, `DELETE FROM server_snapshots WHERE application_id = ?`, appID); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `DELETE FROM applications WHERE id = ?`, appID)
		return err
	case data.ChangeBureauKeys:
		var keys []BureauKey
		if err := json.Unmarshal(c.Data, &keys); err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := exec(ctx, tx, `INSERT OR REPLACE INTO bureau_keys (key_id, public_key, added_at, retired_at) VALUES (?, ?, 0, ?)`,
				k.KeyID, k.PublicKey, ts(k.RetiredAt)); err != nil {
				return err
			}
		}
		return nil
	case data.ChangeDeviceKey:
		var k DeviceKey
		if err := json.Unmarshal(c.Data, &k); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `INSERT OR REPLACE INTO device_keys (id, code, key_id, liaison_point_id, public_key, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
			k.ID, k.Code, k.KeyID, k.LiaisonPointID, k.PublicKey, ts(k.RevokedAt))
		return err
	}
	// A newer server may send kinds this workstation does not know; skipping
	// them keeps the rest flowing.
	return nil
}

// DeviceKeys returns the synced public keys of all devices by key id, and
// when each revoked one was revoked.
func (s *Store) DeviceKeys(ctx context.Context) (keys map[string][]byte, revoked map[string]time.Time, err error) {
	keys, revoked = map[string][]byte{}, map[string]time.Time{}
	err = s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT key_id, public_key, revoked_at FROM device_keys`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id  string
				key []byte
				at  time.Time
			)
			if err := rows.Scan(&id, &key, nullTime{&at}); err != nil {
				return err
			}
			keys[id] = key
			if !at.IsZero() {
				revoked[id] = at
			}
		}
		return rows.Err()
	})
	return keys, revoked, err
}

// OutboxCounts returns how many of the clerks' commands wait to be pushed
// (a withdrawn one still goes, but is no longer the clerk's) and how many
// the server refused and wait for a clerk.
func (s *Store) OutboxCounts(ctx context.Context) (pending, refused int, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT count(*) FILTER (WHERE state = 'pending' OR resend AND state <> 'withdrawn'), count(*) FILTER (WHERE state IN ('rejected', 'conflict')) FROM outbox`).
			Scan(&pending, &refused)
	})
	return pending, refused, err
}

// PrinterChoices are this workstation's printers by paper (data.Papers);
// a paper not set prints once to the system's default printer.
func (s *Store) PrinterChoices(ctx context.Context) (map[string]data.PrinterChoice, error) {
	out := map[string]data.PrinterChoice{}
	for _, p := range data.Papers {
		out[p] = data.PrinterChoice{Copies: 1}
	}
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT paper, printer, copies FROM printer_choices`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				paper string
				c     data.PrinterChoice
			)
			if err := rows.Scan(&paper, &c.Printer, &c.Copies); err != nil {
				return err
			}
			out[paper] = c
		}
		return rows.Err()
	})
	return out, err
}

// SetPrinterChoice sets where paper prints.
func (s *Store) SetPrinterChoice(ctx context.Context, paper string, c data.PrinterChoice) error {
	switch {
	case !slices.Contains(data.Papers, paper):
		return data.Errorf(data.EINVALID, "没有“%s”这种打印文书", paper)
	case c.Copies < 1 || c.Copies > 9:
		return data.Errorf(data.EINVALID, "打印份数须在 1 到 9 份之间")
	}
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `INSERT INTO printer_choices (paper, printer, copies) VALUES (?, ?, ?)
			ON CONFLICT (paper) DO UPDATE SET printer = excluded.printer, copies = excluded.copies`, paper, c.Printer, c.Copies)
		return err
	})
}

// CardReader is this workstation's identity-card reader setting; zero when
// it has none.
func (s *Store) CardReader(ctx context.Context) (c data.CardReaderSetting, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		err := queryRow(ctx, tx, `SELECT dll, port FROM card_reader`).Scan(&c.DLL, &c.Port)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return c, err
}

// SetCardReader sets the reader; a zero setting removes it.
func (s *Store) SetCardReader(ctx context.Context, c data.CardReaderSetting) error {
	if c.Port != 0 && !(c.Port >= 1 && c.Port <= 16) && !(c.Port >= 1001 && c.Port <= 1016) {
		return data.Errorf(data.EINVALID, "阅读器端口须为 1001–1016（USB）或 1–16（串口）")
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if c.DLL == "" {
			_, err := exec(ctx, tx, `DELETE FROM card_reader`)
			return err
		}
		_, err := exec(ctx, tx, `INSERT INTO card_reader (one, dll, port) VALUES (1, ?, ?)
			ON CONFLICT (one) DO UPDATE SET dll = excluded.dll, port = excluded.port`, c.DLL, c.Port)
		return err
	})
}

// Setting is one of the workstation's plain settings (migration 041), ""
// when unset.
func (s *Store) Setting(ctx context.Context, name string) (v string, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT coalesce((SELECT value FROM desk_settings WHERE name = ?), '')`, name).Scan(&v)
	})
	return v, err
}

// SetSetting sets one of the workstation's plain settings; "" unsets it.
func (s *Store) SetSetting(ctx context.Context, name, value string) error {
	return s.inWrite(ctx, func(tx *txn) error {
		if value == "" {
			_, err := exec(ctx, tx, `DELETE FROM desk_settings WHERE name = ?`, name)
			return err
		}
		_, err := exec(ctx, tx, `INSERT INTO desk_settings (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
		return err
	})
}
