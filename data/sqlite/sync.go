package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"titledesk/data"
)

// Change scopes: which devices receive a change.
const (
	scopeAll    = ""  // every device: reference data, device keys
	scopeBureau = "B" // bureau devices only: the reviewers' password hashes
)

// scopePoint is the scope of a liaison point's applications and clerks;
// bureau devices receive every scope but scopeNone.
func scopePoint(pointID string) string { return "P:" + pointID }

// scopeNone is an application no workstation holds yet: a draft or one with
// its unit, which the liaison point has not been given.
const scopeNone = "-"

// scopeOf is where an application's snapshots go: to its liaison point
// (the one it names now) once the unit has passed it on.
func scopeOf(a *data.Application) string {
	// Once a point has had it, it keeps getting it, whatever happens next:
	// returned, re-submitted, withdrawn or moved.
	if !slices.ContainsFunc(a.Decisions, func(d data.Decision) bool { return d.To == data.StatusLiaisonReview }) {
		return scopeNone
	}
	return scopePoint(a.LiaisonPointID)
}

// loggedScope is the scope an application was logged with, which a change
// of its row alone (applyTx's rowOnly) cannot move; scopeOf for one never
// logged.
func loggedScope(ctx context.Context, tx *txn, id string) (string, error) {
	var scope string
	err := queryRow(ctx, tx, `SELECT scope FROM changes WHERE kind = ? AND entity_id = ?`, data.ChangeApplication, id).Scan(&scope)
	if !errors.Is(err, sql.ErrNoRows) {
		return scope, err
	}
	a, err := findApplication(ctx, tx, `id = ?`, id)
	if err != nil {
		return "", err
	}
	return scopeOf(a), nil
}

// logChange moves an entity to the head of the change log. The log holds one
// row per entity and no data: a pull reads the entity as it is then, so a
// device that was away for a month gets each record once, whole.
// Only a server store keeps a log (see OpenServer).
func (s *Store) logChange(ctx context.Context, tx *txn, kind, id, scope string) error {
	if !s.server {
		return nil
	}
	// REPLACE deletes the entity's old row; AUTOINCREMENT gives the new one
	// a seq above every seq ever handed out.
	_, err := exec(ctx, tx, `INSERT OR REPLACE INTO changes (kind, entity_id, scope) VALUES (?, ?, ?)`, kind, id, scope)
	return err
}

// Push applies a device's batch in one transaction (DESIGN.md section 4).
// Seqs must be contiguous and start at most one past the device's
// acknowledged seq; seqs already answered get their stored outcome again.
// A transient failure (a payment proof not uploaded yet) stops the batch
// there without an outcome, so that command and the ones after it are
// pushed again later, in order.
func (s *Store) Push(ctx context.Context, dev *data.Device, cmds []data.PushedCommand, now time.Time) ([]data.CommandResult, int64, error) {
	var (
		results []data.CommandResult
		acked   int64
	)
	err := s.inWrite(ctx, func(tx *txn) error {
		if err := queryRow(ctx, tx, `SELECT acked_seq FROM devices WHERE id = ?`, dev.ID).Scan(&acked); err != nil {
			return notFound(err, "设备", dev.Code)
		}
		for i, c := range cmds {
			switch {
			case i > 0 && c.Seq != cmds[i-1].Seq+1:
				return data.Errorf(data.EINVALID, "操作序号不连续：%d 之后是 %d", cmds[i-1].Seq, c.Seq)
			case i == 0 && (c.Seq < 1 || c.Seq > acked+1):
				return data.Errorf(data.EINVALID, "操作序号不连续：服务器已确认到 %d，收到 %d", acked, c.Seq)
			case c.After < 0 || c.After >= c.Seq:
				return data.Errorf(data.EINVALID, "操作 %d 所依据的前一操作序号 %d 无效", c.Seq, c.After)
			case c.Replay != nil && c.Replay.State != data.StateRejected && c.Replay.State != data.StateConflict:
				return data.Errorf(data.EINVALID, "操作 %d 重新提交时所附的原结果“%s”无效", c.Seq, c.Replay.State)
			}
		}
		base, err := s.envTx(ctx, tx, now)
		if err != nil {
			return err
		}
		clerks := map[string]*data.Clerk{} // a batch is mostly one clerk's work
		for _, c := range cmds {
			if c.Seq <= acked {
				r, err := storedResult(ctx, tx, dev.ID, c.Seq)
				if err != nil {
					return err
				}
				if r.CommandID != c.Command.ID {
					return data.Errorf(data.ESEQREUSED, "操作序号 %d 在服务器上已用于另一操作：本工作站的数据可能是从较早的备份恢复的，工作站将自动核对后重新编号", c.Seq)
				}
				results = append(results, r)
				continue
			}
			var (
				r         data.CommandResult
				transient bool
			)
			refused, err := priorRefused(ctx, tx, dev.ID, c.After)
			switch {
			case err != nil:
				return err
			case c.Replay != nil:
				// Refused before this server was restored: refused again
				// as it was, never applied now.
				r = data.CommandResult{Seq: c.Seq, CommandID: c.Command.ID, State: c.Replay.State, Code: c.Replay.Code, Message: c.Replay.Message}
			case refused:
				r = data.CommandResult{Seq: c.Seq, CommandID: c.Command.ID, State: data.StateConflict, Code: data.ECONFLICT,
					Message: "本工作站对该申请的前一操作未被接受，本操作未执行；请看过服务器现状后重做或放弃"}
			default:
				env := base
				env.Now = commandTime(c.At, now)
				if r, transient, err = s.pushOne(ctx, tx, dev, c, env, clerks); err != nil {
					return err
				}
			}
			if transient {
				break
			}
			if _, err := exec(ctx, tx, `INSERT INTO command_results (device_id, seq, command_id, state, version, code, message, at, desk_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, dev.ID, r.Seq, r.CommandID, r.State, r.Version, r.Code, r.Message, now.UnixNano(), ts(c.At)); err != nil {
				return err
			}
			results = append(results, r)
			acked = c.Seq
		}
		_, err = exec(ctx, tx, `UPDATE devices SET acked_seq = ? WHERE id = ?`, acked, dev.ID)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return results, acked, nil
}

// commandTime is when the clerk acted, as the device says, but never in the
// future of the server: deadlines count from it.
func commandTime(at, now time.Time) time.Time {
	if at.IsZero() || at.After(now) {
		return now
	}
	return at
}

// priorRefused is whether the command a device's command was decided on top
// of (see data.PushedCommand.After) was refused. Its outcome is stored by
// now, in this batch or an earlier one: its seq is lower and seqs are
// contiguous. Without it, the
// later command would be applied to a state the clerk never saw: after a
// conflict, another desk's change may well have brought the version it
// expects.
func priorRefused(ctx context.Context, tx *txn, deviceID string, after int64) (bool, error) {
	if after == 0 {
		return false, nil
	}
	prior, err := storedResult(ctx, tx, deviceID, after)
	switch {
	case data.ErrorCode(err) == data.ENOTFOUND:
		return false, nil // none stored: nothing to go by
	case err != nil:
		return false, err
	}
	return prior.State != data.StateApplied, nil
}

func storedResult(ctx context.Context, tx *txn, deviceID string, seq int64) (data.CommandResult, error) {
	r := data.CommandResult{Seq: seq}
	err := queryRow(ctx, tx, `SELECT command_id, state, version, code, message FROM command_results WHERE device_id = ? AND seq = ?`, deviceID, seq).
		Scan(&r.CommandID, &r.State, &r.Version, &r.Code, &r.Message)
	return r, notFound(err, "操作结果", seq)
}

// pushOne applies one command inside a savepoint, so a refused command
// leaves no trace but its outcome. It trusts nothing the device says about
// the actor: the clerk is looked up here and must belong to the device.
func (s *Store) pushOne(ctx context.Context, tx *txn, dev *data.Device, c data.PushedCommand, env data.Env, clerks map[string]*data.Clerk) (r data.CommandResult, transient bool, err error) {
	r = data.CommandResult{Seq: c.Seq, CommandID: c.Command.ID}
	cmd := c.Command
	refuse := func(err error) (data.CommandResult, bool, error) {
		r.State, r.Code, r.Message = data.StateRejected, data.ErrorCode(err), data.ErrorMessage(err)
		if r.Code == data.ECONFLICT {
			r.State = data.StateConflict
		}
		return r, false, nil
	}
	clerk, ok := clerks[cmd.Actor.ID]
	if !ok {
		if clerk, err = clerkTx(ctx, tx, `id = ?`, cmd.Actor.ID); err == nil {
			clerks[cmd.Actor.ID] = clerk
		}
	}
	switch {
	case data.ErrorCode(err) == data.ENOTFOUND:
		return refuse(data.Errorf(data.EFORBIDDEN, "经办人 %s 不在服务器的人员名单中", cmd.Actor.ID))
	case err != nil:
		return r, false, err
	case !clerk.Active:
		return refuse(data.Errorf(data.EFORBIDDEN, "经办人 %s 已停用", clerk.Name))
	case clerk.Role != dev.Role || (dev.Role == data.RoleClerk && clerk.LiaisonPointID != dev.LiaisonPointID):
		return refuse(data.Errorf(data.EFORBIDDEN, "经办人 %s 不属于本工作站所在的%s", clerk.Name, scopeName(dev)))
	}
	cmd.Actor = clerk.Actor()
	if p := cmd.Payment; p != nil && p.ProofSHA256 != "" && s.BlobExists != nil && !s.BlobExists(p.ProofSHA256) {
		return r, true, nil
	}
	if _, err := exec(ctx, tx, `SAVEPOINT push_one`); err != nil {
		return r, false, err
	}
	out, err := s.applyTx(ctx, tx, cmd, env, false)
	if err != nil {
		if _, rbErr := exec(ctx, tx, `ROLLBACK TO push_one`); rbErr != nil {
			return r, false, rbErr
		}
		if data.ErrorCode(err) == data.EINTERNAL {
			return r, false, err
		}
		return refuse(err)
	}
	if _, err := exec(ctx, tx, `RELEASE push_one`); err != nil {
		return r, false, err
	}
	r.State, r.Version = data.StateApplied, out.Application.Version
	return r, false, nil
}

// deviceScopes are the change scopes a device receives: its point's and
// everyone's; nil for a bureau device, which receives every scope but
// scopeNone.
func deviceScopes(dev *data.Device) []any {
	if dev.Role == data.RoleBureau {
		return nil
	}
	return []any{scopeAll, scopePoint(dev.LiaisonPointID)}
}

func scopeName(dev *data.Device) string {
	if dev.Role == data.RoleBureau {
		return "市局"
	}
	return "人才联络点"
}

// Pull returns up to limit changes after cursor that the device may see,
// each with the entity's current snapshot.
func (s *Store) Pull(ctx context.Context, dev *data.Device, cursor int64, limit int) ([]data.Change, int64, bool, error) {
	var (
		out  []data.Change
		more bool
		next = cursor
	)
	err := s.inRead(ctx, func(tx *txn) error {
		// A bureau device holds every point's applications: moves between
		// points change nothing for it.
		q := `SELECT seq, kind, entity_id FROM changes WHERE seq > ? AND scope <> '-' AND kind <> 'moved_away' ORDER BY seq LIMIT ?`
		args := []any{cursor, limit + 1}
		if scopes := deviceScopes(dev); scopes != nil {
			// One index range per scope, merged in seq order; an IN would
			// sort every change after the cursor for each page.
			parts := make([]string, len(scopes))
			args = nil
			for i, scope := range scopes {
				parts[i] = `SELECT seq, kind, entity_id FROM changes WHERE scope = ? AND seq > ?`
				args = append(args, scope, cursor)
			}
			q = strings.Join(parts, ` UNION ALL `) + ` ORDER BY seq LIMIT ?`
			args = append(args, limit+1)
		}
		var err error
		if out, err = changesTx(ctx, tx, q, args...); err != nil {
			return err
		}
		if len(out) > limit {
			out, more = out[:limit], true
		}
		for i := range out {
			if out[i].Data, err = s.changeData(ctx, tx, out[i].Kind, out[i].ID); err != nil {
				return err
			}
			next = out[i].Seq
		}
		return nil
	})
	if err != nil {
		return nil, cursor, false, err
	}
	return out, next, more, nil
}

// changesTx reads the changes q selects: seq, kind, entity_id and, when q
// selects a fourth column, the data.
func changesTx(ctx context.Context, tx *txn, q string, args ...any) ([]data.Change, error) {
	rows, err := query(ctx, tx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []data.Change
	for rows.Next() {
		var c data.Change
		if err := rows.Scan([]any{&c.Seq, &c.Kind, &c.ID, &c.Data}[:len(cols)]...); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeviceKey is the public part of a device as other devices receive it, to
// verify what it sealed.
type DeviceKey struct {
	ID, Code, KeyID, LiaisonPointID string
	PublicKey                       []byte
	RevokedAt                       time.Time `json:",omitzero"`
}

// changeData is a logged entity as a pull carries it: its current state
// in JSON.
func (s *Store) changeData(ctx context.Context, tx *txn, kind, id string) (json.RawMessage, error) {
	v, err := s.snapshotTx(ctx, tx, kind, id)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s %s: %w", kind, id, err)
	}
	return json.Marshal(v)
}

// snapshotTx reads the current state of one logged entity.
func (s *Store) snapshotTx(ctx context.Context, tx *txn, kind, id string) (any, error) {
	switch kind {
	case data.ChangeApplication:
		return findApplication(ctx, tx, `id = ?`, id)
	case data.ChangeClerk:
		return clerkTx(ctx, tx, `id = ?`, id)
	case data.ChangePoint:
		return pointTx(ctx, tx, id)
	case data.ChangeReasons:
		return reasonsTx(ctx, tx, `1`)
	case data.ChangeFees:
		return feesTx(ctx, tx)
	case data.ChangeCalendar:
		return calendarDaysTx(ctx, tx)
	case data.ChangeFinance:
		return financeTx(ctx, tx)
	case data.ChangeMovedAway:
		return strings.SplitN(id, "@", 2)[0], nil
	case data.ChangeBureauKeys:
		return bureauKeysTx(ctx, tx)
	case data.ChangeDeviceKey:
		var k DeviceKey
		err := queryRow(ctx, tx, `SELECT id, code, key_id, liaison_point_id, public_key, revoked_at FROM devices WHERE id = ?`, id).
			Scan(&k.ID, &k.Code, &k.KeyID, &k.LiaisonPointID, &k.PublicKey, nullTime{&k.RevokedAt})
		return k, err
	}
	return nil, errors.New("unknown change kind " + kind)
}

// CommandResults lists a device's stored outcomes in seq order, for admins
// looking into a workstation's history.
func (s *Store) CommandResults(ctx context.Context, deviceID string) ([]data.CommandResult, error) {
	var out []data.CommandResult
	err := s.inRead(ctx, func(tx *txn) (err error) {
		out, err = resultsTx(ctx, tx, deviceID, 0, -1)
		return err
	})
	return out, err
}

// resultsTx reads up to limit (-1: all) of a device's stored outcomes with
// seq above after, in seq order.
func resultsTx(ctx context.Context, tx *txn, deviceID string, after int64, limit int) ([]data.CommandResult, error) {
	rows, err := query(ctx, tx, `SELECT seq, command_id, state, version, code, message FROM command_results
		WHERE device_id = ? AND seq > ? ORDER BY seq LIMIT ?`, deviceID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.CommandResult
	for rows.Next() {
		var r data.CommandResult
		if err := rows.Scan(&r.Seq, &r.CommandID, &r.State, &r.Version, &r.Code, &r.Message); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
