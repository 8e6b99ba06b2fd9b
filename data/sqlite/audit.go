package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"titledesk/data"
)

const auditColumns = `seq, command_id, application_id, application_no, action, from_status, to_status, version,
	actor_id, actor_name, role, reasons, note, document, at, prev_hash, hash, changes`

// appendAudit links e at the end of the chain and stores it.
func appendAudit(ctx context.Context, tx *txn, e *data.AuditEvent) error {
	var tail auditTail
	if tx.tail != nil {
		tail = *tx.tail
	} else {
		err := queryRow(ctx, tx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&tail.seq, &tail.hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	e.Seal(tail.seq+1, tail.hash)
	reasons, err := json.Marshal(nonNil(e.Reasons))
	if err != nil {
		return err
	}
	changes, err := json.Marshal(changesJSON(e.Changes))
	if err != nil {
		return err
	}
	_, err = exec(ctx, tx, `INSERT INTO audit_events (`+auditColumns+`) VALUES (`+placeholders(18)+`)`,
		e.Seq, e.CommandID, e.ApplicationID, e.ApplicationNo, string(e.Action), string(e.FromStatus), string(e.ToStatus), e.Version,
		e.ActorID, e.ActorName, string(e.Role), string(reasons), e.Note, string(e.Document), e.At.UnixNano(), e.PrevHash, e.Hash, string(changes))
	if err == nil {
		// Only a stored event moves the tail; a refused command's savepoint
		// is rolled back before anything reaches this point.
		tx.tail = &auditTail{seq: e.Seq, hash: e.Hash}
	}
	return err
}

// changesJSON is how an event's changes are stored: a list of [field, value].
func changesJSON(cs []data.FieldValue) [][2]string {
	out := make([][2]string, len(cs))
	for i, c := range cs {
		out[i] = [2]string{c.Field, c.Value}
	}
	return out
}

func scanAudit(rows *sql.Rows) (data.AuditEvent, error) {
	var (
		e                data.AuditEvent
		reasons, changes string
	)
	err := rows.Scan(&e.Seq, &e.CommandID, &e.ApplicationID, &e.ApplicationNo, &e.Action, &e.FromStatus, &e.ToStatus, &e.Version,
		&e.ActorID, &e.ActorName, &e.Role, &reasons, &e.Note, &e.Document, nullTime{&e.At}, &e.PrevHash, &e.Hash, &changes)
	if err != nil {
		return e, err
	}
	var pairs [][2]string
	if json.Unmarshal([]byte(changes), &pairs) != nil {
		// Kept as one odd change: tampering shows as a hash mismatch.
		pairs = [][2]string{{"?", changes}}
	}
	for _, p := range pairs {
		e.Changes = append(e.Changes, data.FieldValue{Field: p[0], Value: p[1]})
	}
	// A stored text that is not a JSON list is kept as one reason so that
	// tampering shows up as a hash mismatch rather than a read error.
	if json.Unmarshal([]byte(reasons), &e.Reasons) != nil {
		e.Reasons = []string{reasons}
	}
	if len(e.Reasons) == 0 {
		e.Reasons = nil
	}
	return e, nil
}

// AuditEvents returns the history of one application, oldest first.
func (s *Store) AuditEvents(ctx context.Context, applicationID string) ([]data.AuditEvent, error) {
	var events []data.AuditEvent
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT `+auditColumns+` FROM audit_events WHERE application_id = ? ORDER BY seq`, applicationID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return err
			}
			events = append(events, e)
		}
		return rows.Err()
	})
	return events, err
}

// VerifyAudit walks the whole chain, as of now: the first event that does
// not verify (altered, removed or reordered); every recorded field of an
// application whose stored value is not what its last event recorded; and
// the checkpoints: each signed by one of the bureau's keys (by key id), each
// matching the event it covers, none covering events no longer there (a
// cut-off tail), none missing for longer than data.CheckpointGrace while
// events were added.
func (s *Store) VerifyAudit(ctx context.Context, keys map[string]ed25519.PublicKey, now time.Time) (*data.AuditReport, error) {
	r := &data.AuditReport{}
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT `+auditColumns+` FROM audit_events ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			v        data.ChainVerifier
			hashes   = map[int64]string{}
			ats      = map[int64]time.Time{}
			last     int64
			recorded = map[string]map[string]recordedValue{} // application → field → value
			numbers  = map[string]string{}
		)
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil && r.Break == nil {
				// A value of the wrong type is an alteration too.
				r.Break = &data.ChainBreak{Seq: e.Seq, Reason: "unreadable: " + err.Error()}
			}
			if r.Break == nil {
				r.Break = v.Next(&e)
			}
			r.Events++
			hashes[e.Seq], ats[e.Seq], last = e.Hash, e.At, e.Seq
			if e.ApplicationID == "" {
				continue
			}
			numbers[e.ApplicationID] = e.ApplicationNo
			for _, c := range e.Changes {
				if recorded[e.ApplicationID] == nil {
					recorded[e.ApplicationID] = map[string]recordedValue{}
				}
				recorded[e.ApplicationID][c.Field] = recordedValue{e.Seq, c.Value}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if r.Fields, err = storedFields(ctx, tx, recorded, numbers); err != nil {
			return err
		}
		r.Problems, r.Checkpoints, err = checkCheckpoints(ctx, tx, keys, hashes, ats, last, now)
		return err
	})
	return r, err
}

type recordedValue struct {
	seq   int64
	value string
}

// storedFields compares each application's stored row with what its
// events recorded.
func storedFields(ctx context.Context, tx *txn, recorded map[string]map[string]recordedValue, numbers map[string]string) ([]data.FieldMismatch, error) {
	var out []data.FieldMismatch
	ids := slices.Sorted(maps.Keys(recorded))
	for _, id := range ids {
		a, err := findApplication(ctx, tx, `id = ?`, id)
		if data.ErrorCode(err) == data.ENOTFOUND {
			out = append(out, data.FieldMismatch{ApplicationNo: numbers[id], Field: "（整条申请）", Stored: "已删除"})
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, f := range data.Recorded {
			want, ok := recorded[id][f.Field]
			if got := f.Of(a); ok && got != want.value {
				out = append(out, data.FieldMismatch{ApplicationNo: a.No, Field: f.Field, Seq: want.seq, Recorded: want.value, Stored: got})
			}
		}
	}
	return out, nil
}

// checkCheckpoints verifies the stored checkpoints against the chain.
func checkCheckpoints(ctx context.Context, tx *txn, keys map[string]ed25519.PublicKey, hashes map[int64]string, firstAt map[int64]time.Time, last int64, now time.Time) ([]data.AuditProblem, int, error) {
	cps, err := checkpointsTx(ctx, tx)
	if err != nil {
		return nil, 0, err
	}
	var problems []data.AuditProblem
	add := func(kind, format string, args ...any) {
		problems = append(problems, data.AuditProblem{Kind: kind, Text: fmt.Sprintf(format, args...)})
	}
	for i, c := range cps {
		key, ok := keys[c.KeyID]
		switch {
		case !ok:
			add("forged", "检查点 %d（%s）的签名密钥 %s 不是市局的密钥", c.Seq, c.At.In(data.Shanghai).Format(time.DateTime), c.KeyID)
		case !ed25519.Verify(key, c.Message(), c.Signature):
			add("forged", "检查点 %d（%s）的签名无效：检查点是伪造或被改动的", c.Seq, c.At.In(data.Shanghai).Format(time.DateTime))
		case c.Seq > last:
			add("cut", "审计链被截断：检查点记录到第 %d 条事件，现在只到第 %d 条，之后的事件被删除", c.Seq, last)
		case c.Seq > 0 && hashes[c.Seq] != c.Hash:
			add("changed", "第 %d 条事件与检查点（%s）记录的不同：签署后被改动", c.Seq, c.At.In(data.Shanghai).Format(time.DateTime))
		}
		next := now
		if i+1 < len(cps) {
			next = cps[i+1].At
		}
		// The uncovered stretch starts when the first event after this
		// checkpoint came, as far as the chain can tell: its time, which
		// an offline desk may have dated earlier, never before the
		// checkpoint itself.
		if first, ok := firstAt[c.Seq+1]; ok && (i+1 == len(cps) || cps[i+1].Seq > c.Seq) {
			from := c.At
			if first.After(from) {
				from = first
			}
			if next.Sub(from) > data.CheckpointGrace {
				add("missing", "缺少检查点：%s 之后的事件 %.0f 小时内没有检查点", from.In(data.Shanghai).Format(time.DateTime), next.Sub(from).Hours())
			}
		}
	}
	if len(cps) == 0 && last > 0 && keys != nil {
		add("missing", "审计链有 %d 条事件，却没有任何检查点：检查点被删除，或数据库不是由 titledesk-server init 建立的", last)
	}
	return problems, len(cps), nil
}

// Checkpoints are the audit chain's signed checkpoints, oldest first.
func (s *Store) Checkpoints(ctx context.Context) (out []data.Checkpoint, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		out, err = checkpointsTx(ctx, tx)
		return err
	})
	return out, err
}

func checkpointsTx(ctx context.Context, tx *txn) ([]data.Checkpoint, error) {
	rows, err := query(ctx, tx, `SELECT seq, hash, at, key_id, signature, reason FROM audit_checkpoints ORDER BY seq, at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.Checkpoint
	for rows.Next() {
		var c data.Checkpoint
		if err := rows.Scan(&c.Seq, &c.Hash, nullTime{&c.At}, &c.KeyID, &c.Signature, &c.Reason); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Checkpoint signs the chain's head now with sign (the bureau's key), for
// reason: a backup, the daily one, a start, an admin command.
func (s *Store) Checkpoint(ctx context.Context, keyID string, sign func([]byte) []byte, reason string, now time.Time) (data.Checkpoint, error) {
	c := data.Checkpoint{At: now.UTC(), KeyID: keyID, Reason: reason}
	err := s.inWrite(ctx, func(tx *txn) error {
		err := queryRow(ctx, tx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&c.Seq, &c.Hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		c.Signature = sign(c.Message())
		// A head already signed is signed again at this time: a quiet day is
		// covered as well as a busy one (see checkCheckpoints).
		_, err = exec(ctx, tx, `INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature, reason) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (seq) DO UPDATE SET hash = excluded.hash, at = excluded.at, key_id = excluded.key_id,
				signature = excluded.signature, reason = excluded.reason`, c.Seq, c.Hash, c.At.UnixNano(), c.KeyID, c.Signature, c.Reason)
		return err
	})
	return c, err
}

// AuditHead is the seq of the chain's last event, 0 for an empty chain.
func (s *Store) AuditHead(ctx context.Context) (int64, error) {
	var n int64
	err := s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT coalesce(max(seq), 0) FROM audit_events`).Scan(&n)
	})
	return n, err
}

// LastCheckpoint is the latest checkpoint, zero when there is none.
func (s *Store) LastCheckpoint(ctx context.Context) (data.Checkpoint, error) {
	var c data.Checkpoint
	err := s.inRead(ctx, func(tx *txn) error {
		cps, err := checkpointsTx(ctx, tx)
		if len(cps) > 0 {
			c = cps[len(cps)-1]
		}
		return err
	})
	return c, err
}

// AuditCount counts the audit events of one command: 1 once it is applied,
// never more.
func (s *Store) AuditCount(ctx context.Context, commandID string) (int, error) {
	var n int
	err := s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT count(*) FROM audit_events WHERE command_id = ?`, commandID).Scan(&n)
	})
	return n, err
}

// auditAdmin appends an administrative action, with what it set, to the
// chain of a server store when an administrator acts (data.WithAdmin).
func (s *Store) auditAdmin(ctx context.Context, tx *txn, action string, details ...string) error {
	who, ok := data.AdminOf(ctx)
	if !s.server || !ok {
		return nil
	}
	e := &data.AuditEvent{Action: data.Action("admin:" + action), ActorID: who.ID, ActorName: who.Name, Role: who.Role, At: time.Now().UTC()}
	for i := 0; i+1 < len(details); i += 2 {
		e.Changes = append(e.Changes, data.FieldValue{Field: details[i], Value: details[i+1]})
	}
	return appendAudit(ctx, tx, e)
}
