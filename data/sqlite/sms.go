package sqlite

import (
	"context"
	"database/sql"
	"time"

	"titledesk/data"
)

// SMS is a queued text message.
type SMS struct {
	ID            int64
	DedupeKey     string // the provider's idempotency key
	ApplicationID string
	Mobile        string
	Text          string
	CreatedAt     time.Time
	Attempts      int
	LastError     string
}

// queueSMS queues an SMS effect; a dedupe key already queued is ignored.
func queueSMS(ctx context.Context, tx *sql.Tx, e data.Effect, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sms_outbox (dedupe_key, application_id, mobile, text, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`, e.DedupeKey, e.ApplicationID, e.Mobile, e.Text, now.UnixNano())
	return err
}

// PendingSMS returns up to limit unsent messages, oldest first.
func (s *Store) PendingSMS(ctx context.Context, limit int) ([]SMS, error) {
	var out []SMS
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, dedupe_key, application_id, mobile, text, created_at, attempts, last_error
			FROM sms_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m SMS
			if err := rows.Scan(&m.ID, &m.DedupeKey, &m.ApplicationID, &m.Mobile, &m.Text, nullTime{&m.CreatedAt}, &m.Attempts, &m.LastError); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// MarkSMS records a delivery attempt: sent when sendErr is nil, otherwise
// the error is kept and the message stays pending.
func (s *Store) MarkSMS(ctx context.Context, id int64, sendErr error, now time.Time) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		var err error
		if sendErr == nil {
			_, err = tx.ExecContext(ctx, `UPDATE sms_outbox SET attempts = attempts + 1, sent_at = ?, last_error = '' WHERE id = ?`, now.UnixNano(), id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE sms_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?`, sendErr.Error(), id)
		}
		return err
	})
}
