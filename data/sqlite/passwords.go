package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"titledesk/data"
)

// Password resets and changes of portal accounts (migration 046).

const (
	// ResetCodeTTL is how long a texted code may be used.
	ResetCodeTTL = 10 * time.Minute
	// resetGap is the least time between two codes for one account: each
	// costs an SMS.
	resetGap = time.Minute
	// resetTries is how many wrong codes end a reset.
	resetTries = 5
)

// RequestPasswordReset texts a new reset code to the account's registered
// mobile, when login and mobile both match an account; otherwise it does
// nothing and says nothing, so that no one learns which accounts exist.
// Codes for one account are a minute apart at least.
func (s *Store) RequestPasswordReset(ctx context.Context, login, mobile string, now time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		a, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE login = ?`, data.NormalizeLogin(login)))
		if errors.Is(err, sql.ErrNoRows) || err == nil && a.Mobile != data.Normalize(mobile) {
			return nil
		}
		if err != nil {
			return err
		}
		var last int64
		err = queryRow(ctx, tx, `SELECT sent_at FROM password_resets WHERE account_id = ?`, a.ID).Scan(&last)
		switch {
		case err == nil && now.Sub(time.Unix(0, last)) < resetGap:
			return nil // the same answer as any other: no code sooner
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return err
		}
		code := fmt.Sprintf("%06d", n.Int64())
		if _, err := exec(ctx, tx, `INSERT INTO password_resets (account_id, code_hash, sent_at, expires_at, attempts) VALUES (?, ?, ?, ?, 0)
			ON CONFLICT (account_id) DO UPDATE SET code_hash = excluded.code_hash, sent_at = excluded.sent_at, expires_at = excluded.expires_at, attempts = 0`,
			a.ID, secretHash(a.ID+"/"+code), now.UnixNano(), now.Add(ResetCodeTTL).UnixNano()); err != nil {
			return err
		}
		wordings, err := smsTemplatesTx(ctx, tx)
		if err != nil {
			return err
		}
		text, params := data.PasswordResetText(wordings[data.PasswordResetKey], code)
		party := data.PartyApplicant
		if a.Role == data.RoleUnit {
			party = data.PartyUnit
		}
		return queueSMS(ctx, tx, data.Effect{Kind: data.EffectSMS, Party: party, Mobile: a.Mobile, Text: text, Params: params,
			Template: data.PasswordResetKey, DedupeKey: fmt.Sprintf("password_reset/%s/%d", a.ID, now.UnixNano())}, now)
	})
}

// ResetPassword sets a new password for the account with login, given the
// code texted to it: once, within ResetCodeTTL, and before resetTries wrong
// codes; newHash checks the new password against the account and hashes it.
// The account's sessions end.
func (s *Store) ResetPassword(ctx context.Context, login, code string, newHash func(*data.Account) (string, error), now time.Time) error {
	wrong := data.Errorf(data.EINVALID, "验证码不正确或已过期，请重新获取")
	// A wrong try is counted, and an expired code dropped, in a transaction
	// that commits: fail is said after it.
	var fail error
	err := s.inWrite(ctx, func(tx *txn) error {
		var (
			id, want string
			expires  int64
			attempts int
		)
		err := queryRow(ctx, tx, `SELECT r.account_id, r.code_hash, r.expires_at, r.attempts FROM password_resets r
			JOIN accounts a ON a.id = r.account_id WHERE a.login = ?`, data.NormalizeLogin(login)).Scan(&id, &want, &expires, &attempts)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			fail = wrong
			return nil
		case err != nil:
			return err
		case now.UnixNano() >= expires || attempts >= resetTries:
			fail = wrong
			_, err := exec(ctx, tx, `DELETE FROM password_resets WHERE account_id = ?`, id)
			return err
		case subtle.ConstantTimeCompare([]byte(secretHash(id+"/"+code)), []byte(want)) != 1:
			fail = data.Errorf(data.EINVALID, "验证码不正确（还可再试 %d 次）", resetTries-attempts-1)
			_, err := exec(ctx, tx, `UPDATE password_resets SET attempts = attempts + 1 WHERE account_id = ?`, id)
			return err
		}
		// Only a right code gets the new password looked at: the policy's
		// answers, and the time a hash takes, tell nothing to a guesser.
		a, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
		if err != nil {
			return err
		}
		hash, err := newHash(a)
		if err != nil {
			return err
		}
		return setPasswordTx(ctx, tx, id, hash)
	})
	if err != nil {
		return err
	}
	return fail
}

// ChangePassword sets an account's new password (its hash); every session
// of the account ends, so one left open elsewhere is closed too.
func (s *Store) ChangePassword(ctx context.Context, accountID, hash string) error {
	return s.inWrite(ctx, func(tx *txn) error { return setPasswordTx(ctx, tx, accountID, hash) })
}

// setPasswordTx stores a new password hash, ends the account's sessions and
// drops any reset under way.
func setPasswordTx(ctx context.Context, tx *txn, accountID, hash string) error {
	if _, err := exec(ctx, tx, `UPDATE accounts SET password_hash = ? WHERE id = ?`, hash, accountID); err != nil {
		return err
	}
	if _, err := exec(ctx, tx, `DELETE FROM password_resets WHERE account_id = ?`, accountID); err != nil {
		return err
	}
	_, err := exec(ctx, tx, `DELETE FROM sessions WHERE account_id = ?`, accountID)
	return err
}

// clerkRule bounds wrong current passwords given to change a clerk's.
var clerkRule = data.Lockout{Max: 5, Window: 15 * time.Minute, Lock: 15 * time.Minute}

// ChangeClerkPassword sets a clerk's or reviewer's new password from a desk
// they may log in at, given the current one (wrong ones count towards a
// lockout); every desk of theirs learns it by pull.
func (s *Store) ChangeClerkPassword(ctx context.Context, dev *data.Device, login, current, next string, now time.Time) error {
	rule := clerkRule
	rule.Key = "clerk:" + data.NormalizeLogin(login)
	if until, err := s.LoginLockedUntil(ctx, now, rule.Key); err != nil || !until.IsZero() {
		if err != nil {
			return err
		}
		return data.Errorf(data.EFORBIDDEN, "密码输错次数过多，已暂时锁定，请于 %s 后再试", until.In(data.Shanghai).Format("15:04"))
	}
	c, err := s.ClerkByLogin(ctx, data.NormalizeLogin(login))
	if data.ErrorCode(err) == data.ENOTFOUND || err == nil && (!c.Active || c.Role != dev.Role || c.Role == data.RoleClerk && c.LiaisonPointID != dev.LiaisonPointID) {
		return data.Errorf(data.EFORBIDDEN, "此账号不能在本工作站修改密码")
	}
	if err != nil {
		return err
	}
	ok, err := data.CheckPassword(c.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		if _, err := s.LoginFailed(ctx, now, rule); err != nil {
			return err
		}
		return data.Errorf(data.EINVALID, "当前密码不正确")
	}
	if err := data.CheckNewPassword(next, c.Login, c.Name); err != nil {
		return err
	}
	hash, err := data.HashPassword(next)
	if err != nil {
		return err
	}
	// Only the hash, and only while still active: an administrator's 停用
	// meanwhile stands.
	return s.inWrite(ctx, func(tx *txn) error {
		res, err := exec(ctx, tx, `UPDATE clerks SET password_hash = ? WHERE id = ? AND active`, hash, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return data.Errorf(data.EFORBIDDEN, "此账号已停用")
		}
		scope := scopeBureau
		if c.Role == data.RoleClerk {
			scope = scopePoint(c.LiaisonPointID)
		}
		return s.logChange(ctx, tx, data.ChangeClerk, c.ID, scope)
	})
}
