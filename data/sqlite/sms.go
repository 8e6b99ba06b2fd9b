package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"titledesk/data"
)

// queueSMS queues an SMS effect; a dedupe key already queued is ignored. A
// unit without a contact mobile gets nothing (its message shows in the
// portal all the same).
func queueSMS(ctx context.Context, tx *txn, e data.Effect, now time.Time) error {
	params, err := json.Marshal(e.Params)
	if err != nil {
		return err
	}
	_, err = exec(ctx, tx, `INSERT INTO sms_outbox (dedupe_key, template, application_id, party, mobile, text, params, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		e.DedupeKey, e.Template, e.ApplicationID, string(e.Party), e.Mobile, e.Text, string(params), now.UnixNano())
	return err
}

const smsColumns = `id, dedupe_key, template, application_id, party, mobile, text, params, created_at, attempts, last_error, next_at, sent_at, failed_at`

func (s *Store) listSMS(ctx context.Context, where string, args ...any) ([]data.SMS, error) {
	var out []data.SMS
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT `+smsColumns+` FROM sms_outbox WHERE `+where, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				m      data.SMS
				params string
			)
			if err := rows.Scan(&m.ID, &m.DedupeKey, &m.Template, &m.ApplicationID, &m.Party, &m.Mobile, &m.Text, &params, nullTime{&m.CreatedAt},
				&m.Attempts, &m.LastError, nullTime{&m.NextAt}, nullTime{&m.SentAt}, nullTime{&m.FailedAt}); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(params), &m.Params); err != nil {
				return fmt.Errorf("sms %d params: %w", m.ID, err)
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// PendingSMS returns up to limit unsent messages due by now, oldest first.
func (s *Store) PendingSMS(ctx context.Context, now time.Time, limit int) ([]data.SMS, error) {
	return s.listSMS(ctx, `sent_at IS NULL AND failed_at IS NULL AND mobile <> '' AND coalesce(next_at, 0) <= ? ORDER BY id LIMIT ?`, now.UnixNano(), limit)
}

// SMSLog returns the newest limit messages, sent or not, for admins.
func (s *Store) SMSLog(ctx context.Context, limit int) ([]data.SMS, error) {
	return s.listSMS(ctx, `1 ORDER BY id DESC LIMIT ?`, limit)
}

// MarkSMS records a delivery attempt: sent when sendErr is nil; otherwise
// the error is kept and the message waits until next, or, at its
// data.SMSMaxAttempts-th failure, is given up until an administrator sends
// it again (ResendSMS).
func (s *Store) MarkSMS(ctx context.Context, id int64, sendErr error, now, next time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		var err error
		if sendErr == nil {
			_, err = exec(ctx, tx, `UPDATE sms_outbox SET attempts = attempts + 1, sent_at = ?, last_error = '' WHERE id = ?`, now.UnixNano(), id)
		} else {
			_, err = exec(ctx, tx, `UPDATE sms_outbox SET attempts = attempts + 1, last_error = ?, next_at = ?,
				failed_at = CASE WHEN attempts + 1 >= ? THEN ? END WHERE id = ?`,
				sendErr.Error(), next.UnixNano(), data.SMSMaxAttempts, now.UnixNano(), id)
		}
		return err
	})
}

// FailedSMS are the messages given up on, newest first: what the console
// shows an administrator.
func (s *Store) FailedSMS(ctx context.Context, limit int) ([]data.SMS, error) {
	return s.listSMS(ctx, `failed_at IS NOT NULL ORDER BY id DESC LIMIT ?`, limit)
}

// ResendSMS queues a message given up on again, from its first try (an
// administrator's, audited).
func (s *Store) ResendSMS(ctx context.Context, id int64) error {
	return s.inWrite(ctx, func(tx *txn) error {
		res, err := exec(ctx, tx, `UPDATE sms_outbox SET attempts = 0, failed_at = NULL, next_at = NULL WHERE id = ? AND failed_at IS NOT NULL`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return data.Errorf(data.ENOTFOUND, "没有编号为 %d 的发送失败短信", id)
		}
		return s.auditAdmin(ctx, tx, "sms-resend", "id", fmt.Sprint(id))
	})
}

// MessagesFor are the messages of an application to party, newest first:
// the portal's 站内消息 mirror every SMS, sent or not.
func (s *Store) MessagesFor(ctx context.Context, applicationIDs []string, party data.Party, limit int) ([]data.SMS, error) {
	if len(applicationIDs) == 0 {
		return nil, nil
	}
	args := []any{string(party)}
	for _, id := range applicationIDs {
		args = append(args, id)
	}
	return s.listSMS(ctx, `party = ? AND application_id IN (`+placeholders(len(applicationIDs))+`) ORDER BY id DESC LIMIT ?`, append(args, limit)...)
}

// SMSTemplates are the bureau's own wordings of messages, by key.
func (s *Store) SMSTemplates(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := s.inRead(ctx, func(tx *txn) (err error) {
		out, err = smsTemplatesTx(ctx, tx)
		return err
	})
	return out, err
}

func smsTemplatesTx(ctx context.Context, tx *txn) (map[string]string, error) {
	rows, err := query(ctx, tx, `SELECT key, text FROM sms_templates`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetSMSTemplate sets the bureau's wording of the message key (audited);
// "" goes back to the built-in one. data.CheckSMSTemplate says what a
// wording must hold.
func (s *Store) SetSMSTemplate(ctx context.Context, key, text string, now time.Time) error {
	if err := data.CheckSMSTemplate(key, text); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		var err error
		if text == "" {
			_, err = exec(ctx, tx, `DELETE FROM sms_templates WHERE key = ?`, key)
		} else {
			_, err = exec(ctx, tx, `INSERT INTO sms_templates (key, text, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`, key, text, now.UnixNano())
		}
		if err != nil {
			return err
		}
		return s.auditAdmin(ctx, tx, "sms-template", "key", key, "text", text)
	})
}
