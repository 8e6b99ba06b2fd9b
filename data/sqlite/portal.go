package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"titledesk/data"
)

// The portal's accounts, sessions and login lockout (migration 020).

const accountColumns = `id, login, role, unit_id, name, mobile, password_hash, id_number, education, major, working_years, created_at`

func scanAccount(row interface{ Scan(...any) error }) (*data.Account, error) {
	var a data.Account
	err := row.Scan(&a.ID, &a.Login, &a.Role, &a.UnitID, &a.Name, &a.Mobile, &a.PasswordHash,
		&a.Profile.IDNumber, &a.Profile.Education, &a.Profile.Major, &a.Profile.WorkingYears, nullTime{&a.CreatedAt})
	return &a, err
}

func insertAccountTx(ctx context.Context, tx *txn, a *data.Account) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Login, string(a.Role), a.UnitID, a.Name, a.Mobile, a.PasswordHash,
		a.Profile.IDNumber, a.Profile.Education, a.Profile.Major, a.Profile.WorkingYears, ts(a.CreatedAt))
	return accountConflict(err, a)
}

// accountConflict turns a unique-index failure into the field the person
// must change.
func accountConflict(err error, a *data.Account) error {
	switch {
	case err == nil:
		return nil
	case strings.Contains(err.Error(), "accounts.login"):
		return data.Errorf(data.ECONFLICT, "用户名 %s 已被使用，请换一个", a.Login)
	case strings.Contains(err.Error(), "accounts.id_number"):
		return data.Errorf(data.ECONFLICT, "身份证号码 %s 已注册个人账号，请直接登录", data.MaskIDNumber(a.Profile.IDNumber))
	}
	return err
}

// RegisterUnit stores a unit's registration, waiting for the bureau's
// approval, together with the account of its user.
func (s *Store) RegisterUnit(ctx context.Context, u *data.Unit, a *data.Account) error {
	u.CreditCode, u.Approved, u.RejectReason = data.Normalize(u.CreditCode), false, ""
	a.Role, a.UnitID, a.Login = data.RoleUnit, u.ID, data.NormalizeLogin(a.Login)
	if err := u.Validate(); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if err := saveUnitTx(ctx, tx, u); err != nil {
			return err
		}
		return insertAccountTx(ctx, tx, a)
	})
}

// RegisterApplicant stores an applicant's account under the approved unit
// with that credit code.
func (s *Store) RegisterApplicant(ctx context.Context, a *data.Account, unitCreditCode string) error {
	a.Role, a.Login = data.RoleApplicant, data.NormalizeLogin(a.Login)
	a.Profile.IDNumber = data.Normalize(a.Profile.IDNumber)
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		u, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE credit_code = ?`, data.Normalize(unitCreditCode)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return data.Errorf(data.EINVALID, "统一社会信用代码 %s 的单位尚未注册，请先由单位注册企业（单位）账号", unitCreditCode)
		case err != nil:
			return err
		case !u.Approved:
			return data.Errorf(data.EINVALID, "单位“%s”的注册尚未通过审核，请待审核通过后再注册个人账号", u.Name)
		}
		a.UnitID = u.ID
		return insertAccountTx(ctx, tx, a)
	})
}

// AccountByLogin returns the account with that login name.
func (s *Store) AccountByLogin(ctx context.Context, login string) (a *data.Account, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		a, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE login = ?`, data.NormalizeLogin(login)))
		return notFound(err, "用户", login)
	})
	return a, err
}

// SaveProfile stores what an account holder may change: name, mobile and,
// for applicants, the personal information.
func (s *Store) SaveProfile(ctx context.Context, a *data.Account) error {
	a.Profile.IDNumber = data.Normalize(a.Profile.IDNumber)
	if err := a.Validate(); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET name = ?, mobile = ?, id_number = ?, education = ?, major = ?, working_years = ? WHERE id = ?`,
			a.Name, a.Mobile, a.Profile.IDNumber, a.Profile.Education, a.Profile.Major, a.Profile.WorkingYears, a.ID)
		if err != nil {
			return accountConflict(err, a)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return data.Errorf(data.ENOTFOUND, "找不到账号 %s", a.ID)
		}
		return nil
	})
}

// CreateSession stores a session under the hash of its cookie token and
// drops expired ones.
func (s *Store) CreateSession(ctx context.Context, token, accountID string, now, expires time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UnixNano()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			secretHash(token), accountID, now.UnixNano(), expires.UnixNano())
		return err
	})
}

// SessionAccount returns the account of an unexpired session.
func (s *Store) SessionAccount(ctx context.Context, token string, now time.Time) (a *data.Account, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		a, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+prefixed("a.", accountColumns)+` FROM sessions s
			JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ? AND s.expires_at > ?`, secretHash(token), now.UnixNano()))
		if errors.Is(err, sql.ErrNoRows) {
			return data.Errorf(data.EUNAUTHORIZED, "登录已过期，请重新登录")
		}
		return err
	})
	return a, err
}

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, secretHash(token))
		return err
	})
}

// LoginLockedUntil returns the end of the latest lockout among keys, or
// the zero time when none is locked at now.
func (s *Store) LoginLockedUntil(ctx context.Context, now time.Time, keys ...string) (until time.Time, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		args := []any{now.UnixNano()}
		for _, k := range keys {
			args = append(args, k)
		}
		return tx.QueryRowContext(ctx, `SELECT MAX(locked_until) FROM login_failures WHERE locked_until > ? AND key IN (`+
			placeholders(len(keys))+`)`, args...).Scan(nullTime{&until})
	})
	return until, err
}

// LoginFailed counts a failed login under each rule's key, restarting the
// count once its window has passed, locks the keys that reach their
// maximum, and returns the latest lockout end (zero when none).
func (s *Store) LoginFailed(ctx context.Context, now time.Time, rules ...data.Lockout) (until time.Time, err error) {
	err = s.inWrite(ctx, func(tx *txn) error {
		for _, r := range rules {
			var (
				reached  bool
				lockouts int
			)
			err := tx.QueryRowContext(ctx, `INSERT INTO login_failures (key, failures, first_at) VALUES (?1, 1, ?2)
				ON CONFLICT (key) DO UPDATE SET
					failures = CASE WHEN first_at <= ?3 THEN 1 ELSE failures + 1 END,
					first_at = CASE WHEN first_at <= ?3 THEN ?2 ELSE first_at END
				RETURNING failures >= ?4, lockouts`,
				r.Key, now.UnixNano(), now.Add(-r.Window).UnixNano(), r.Max).Scan(&reached, &lockouts)
			if err != nil {
				return err
			}
			if !reached {
				continue
			}
			// A lockout starts a fresh count for when it ends.
			locked := now.Add(r.LockFor(lockouts)).UTC()
			if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET locked_until = ?, failures = 0, first_at = ?, lockouts = lockouts + 1 WHERE key = ?`,
				locked.UnixNano(), now.UnixNano(), r.Key); err != nil {
				return err
			}
			if locked.After(until) {
				until = locked
			}
		}
		return nil
	})
	return until, err
}

// LoginSucceeded forgets the failures counted under the login's key, and
// lowers the back-off of the address's by one step without forgetting its
// failures: anyone may register an account, so a login of one's own must
// not buy an address a fresh round of guesses.
func (s *Store) LoginSucceeded(ctx context.Context, loginKey, addressKey string) error {
	return s.inWrite(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, loginKey); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE login_failures SET lockouts = max(lockouts - 1, 0) WHERE key = ?`, addressKey)
		return err
	})
}

// PortalSecret returns the key of the portal's CSRF tokens, generating it
// at first use.
func (s *Store) PortalSecret(ctx context.Context) (secret []byte, err error) {
	err = s.inWrite(ctx, func(tx *txn) error {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO portal_secret (only, secret) VALUES (1, ?)`, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT secret FROM portal_secret`).Scan(&secret)
	})
	return secret, err
}

// RequiredMaterials lists the materials an application of that level must
// carry before 送审.
func (s *Store) RequiredMaterials(ctx context.Context, level string) (kinds []string, err error) {
	err = s.inRead(ctx, func(tx *txn) (err error) {
		kinds, err = queryStrings(ctx, tx, `SELECT kind FROM required_materials WHERE level = ? ORDER BY ord, kind`, level)
		return err
	})
	return kinds, err
}

// SetRequiredMaterials replaces the materials a level requires, in the
// order given. Each must be a known material kind.
func (s *Store) SetRequiredMaterials(ctx context.Context, level string, kinds []string) error {
	if level == "" || len(kinds) == 0 {
		return data.Errorf(data.EINVALID, "须给出申报级别和至少一项材料")
	}
	for _, k := range kinds {
		if !slices.Contains(data.MaterialKinds, k) {
			return data.Errorf(data.EINVALID, "未知的材料类别“%s”；可选：%s", k, strings.Join(data.MaterialKinds, "、"))
		}
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if _, err := exec(ctx, tx, `DELETE FROM required_materials WHERE level = ?`, level); err != nil {
			return err
		}
		for i, k := range kinds {
			if _, err := exec(ctx, tx, `INSERT INTO required_materials (level, kind, ord) VALUES (?, ?, ?)`, level, k, i+1); err != nil {
				return err
			}
		}
		return s.auditAdmin(ctx, tx, "materials-set", "level", level, "kinds", strings.Join(kinds, "、"))
	})
}
