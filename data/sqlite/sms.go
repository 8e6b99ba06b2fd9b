package sqlite

import (
	"context"
	"database/sql"
	"time"

	"titledesk/data"
)

// queueSMS queues an SMS effect; a dedupe key already queued is ignored.
func queueSMS(ctx context.Context, tx *sql.Tx, e data.Effect, now time.Time) error {
	_, err := exec(ctx, tx, `INSERT INTO sms_outbox (dedupe_key, template, application_id, mobile, text, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`, e.DedupeKey, e.Template, e.ApplicationID, e.Mobile, e.Text, now.UnixNano())
	return err
}

const smsColumns = `id, dedupe_key, template, application_id, mobile, text, created_at, attempts, last_error, next_at, sent_at`

func (s *Store) listSMS(ctx context.Context, where string, args ...any) ([]data.SMS, error) {
	var out []data.SMS
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := query(ctx, tx, `SELECT `+smsColumns+` FROM sms_outbox WHERE `+where, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m data.SMS
			if err := rows.Scan(&m.ID, &m.DedupeKey, &m.Template, &m.ApplicationID, &m.Mobile, &m.Text, nullTime{&m.CreatedAt},
				&m.Attempts, &m.LastError, nullTime{&m.NextAt}, nullTime{&m.SentAt}); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// PendingSMS returns up to limit unsent messages due by now, oldest first.
func (s *Store) PendingSMS(ctx context.Context, now time.Time, limit int) ([]data.SMS, error) {
	return s.listSMS(ctx, `sent_at IS NULL AND coalesce(next_at, 0) <= ? ORDER BY id LIMIT ?`, now.UnixNano(), limit)
}

// SMSLog returns the newest limit messages, sent or not, for admins.
func (s *Store) SMSLog(ctx context.Context, limit int) ([]data.SMS, error) {
	return s.listSMS(ctx, `1 ORDER BY id DESC LIMIT ?`, limit)
}

// MarkSMS records a delivery attempt: sent when sendErr is nil; otherwise
// the error is kept and the message waits until next.
func (s *Store) MarkSMS(ctx context.Context, id int64, sendErr error, now, next time.Time) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		var err error
		if sendErr == nil {
			_, err = exec(ctx, tx, `UPDATE sms_outbox SET attempts = attempts + 1, sent_at = ?, last_error = '' WHERE id = ?`, now.UnixNano(), id)
		} else {
			_, err = exec(ctx, tx, `UPDATE sms_outbox SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?`,
				sendErr.Error(), next.UnixNano(), id)
		}
		return err
	})
}
