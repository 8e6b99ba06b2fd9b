package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"titledesk/data"
)

const auditColumns = `seq, command_id, application_id, application_no, action, from_status, to_status, version,
	actor_id, actor_name, role, reasons, note, document, at, prev_hash, hash`

// appendAudit links e at the end of the chain and stores it.
func appendAudit(ctx context.Context, tx *sql.Tx, e *data.AuditEvent) error {
	state := stateOf(tx)
	var tail auditTail
	if state != nil && state.tail != nil {
		tail = *state.tail
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
	_, err = exec(ctx, tx, `INSERT INTO audit_events (`+auditColumns+`) VALUES (`+placeholders(17)+`)`,
		e.Seq, e.CommandID, e.ApplicationID, e.ApplicationNo, string(e.Action), string(e.FromStatus), string(e.ToStatus), e.Version,
		e.ActorID, e.ActorName, string(e.Role), string(reasons), e.Note, string(e.Document), e.At.UnixNano(), e.PrevHash, e.Hash)
	if err == nil && state != nil {
		// Only a stored event moves the tail; a refused command's savepoint
		// is rolled back before anything reaches this point.
		state.tail = &auditTail{seq: e.Seq, hash: e.Hash}
	}
	return err
}

func scanAudit(rows *sql.Rows) (data.AuditEvent, error) {
	var (
		e       data.AuditEvent
		reasons string
	)
	err := rows.Scan(&e.Seq, &e.CommandID, &e.ApplicationID, &e.ApplicationNo, &e.Action, &e.FromStatus, &e.ToStatus, &e.Version,
		&e.ActorID, &e.ActorName, &e.Role, &reasons, &e.Note, &e.Document, nullTime{&e.At}, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, err
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
	err := s.inRead(ctx, func(tx *sql.Tx) error {
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

// VerifyAudit walks the whole chain and returns the first event that does
// not verify (altered, removed or reordered), or nil when the chain is
// intact.
func (s *Store) VerifyAudit(ctx context.Context) (*data.ChainBreak, error) {
	var brk *data.ChainBreak
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := query(ctx, tx, `SELECT `+auditColumns+` FROM audit_events ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var v data.ChainVerifier
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				// A value of the wrong type is an alteration too.
				brk = &data.ChainBreak{Seq: e.Seq, Reason: "unreadable: " + err.Error()}
				return nil
			}
			if brk = v.Next(&e); brk != nil {
				return nil
			}
		}
		return rows.Err()
	})
	return brk, err
}

// AuditCount counts the audit events of one command: 1 once it is applied,
// never more.
func (s *Store) AuditCount(ctx context.Context, commandID string) (int, error) {
	var n int
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		return queryRow(ctx, tx, `SELECT count(*) FROM audit_events WHERE command_id = ?`, commandID).Scan(&n)
	})
	return n, err
}

// AuditTotal counts the events of the whole chain.
func (s *Store) AuditTotal(ctx context.Context) (int, error) {
	var n int
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		return queryRow(ctx, tx, `SELECT count(*) FROM audit_events`).Scan(&n)
	})
	return n, err
}
