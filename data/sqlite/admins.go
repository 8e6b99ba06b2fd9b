package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"titledesk/data"
)

// The web console's administrators and their sessions (migration 045).

const adminColumns = `id, login, name, password_hash, totp_secret, totp_step, active, created_at`

func scanAdmin(row interface{ Scan(...any) error }) (*data.Admin, error) {
	var a data.Admin
	err := row.Scan(&a.ID, &a.Login, &a.Name, &a.PasswordHash, &a.TOTPSecret, &a.TOTPStep, &a.Active, nullTime{&a.CreatedAt})
	return &a, err
}

// SaveAdmin adds or replaces an administrator (audited; the password and
// the secret are not recorded).
func (s *Store) SaveAdmin(ctx context.Context, a *data.Admin) error {
	a.Login = data.NormalizeLogin(a.Login)
	if a.ID == "" || a.Login == "" || strings.TrimSpace(a.Name) == "" || a.PasswordHash == "" || a.TOTPSecret == "" {
		return data.Errorf(data.EINVALID, "管理员须有登录名、姓名、密码和动态口令密钥")
	}
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `INSERT INTO admins (`+adminColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET login = excluded.login, name = excluded.name, password_hash = excluded.password_hash,
			totp_secret = excluded.totp_secret, active = excluded.active`,
			a.ID, a.Login, a.Name, a.PasswordHash, a.TOTPSecret, a.TOTPStep, a.Active, ts(a.CreatedAt))
		if err != nil && strings.Contains(err.Error(), "UNIQUE") {
			return data.Errorf(data.ECONFLICT, "登录名 %s 已被使用", a.Login)
		}
		if err != nil {
			return err
		}
		return s.auditAdmin(ctx, tx, "admin", "login", a.Login, "name", a.Name, "active", boolText(a.Active), "password", "（已设置，不记录）")
	})
}

func boolText(b bool) string { return map[bool]string{true: "true", false: "false"}[b] }

// AdminByLogin returns the administrator with that login name.
func (s *Store) AdminByLogin(ctx context.Context, login string) (a *data.Admin, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		a, err = scanAdmin(queryRow(ctx, tx, `SELECT `+adminColumns+` FROM admins WHERE login = ?`, data.NormalizeLogin(login)))
		return notFound(err, "管理员", login)
	})
	return a, err
}

// UseTOTPStep records the time step of the code an administrator just
// logged in with, if it is later than the last one; false: that code, or a
// later one, was used already.
func (s *Store) UseTOTPStep(ctx context.Context, adminID string, step int64) (ok bool, err error) {
	err = s.inWrite(ctx, func(tx *txn) error {
		res, err := exec(ctx, tx, `UPDATE admins SET totp_step = ? WHERE id = ? AND totp_step < ?`, step, adminID, step)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}

// CreateAdminSession stores a console session under the hash of its token.
func (s *Store) CreateAdminSession(ctx context.Context, token, adminID string, now, expires time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		if _, err := exec(ctx, tx, `DELETE FROM admin_sessions WHERE expires_at <= ?`, now.UnixNano()); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `INSERT INTO admin_sessions (token_hash, admin_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			secretHash(token), adminID, now.UnixNano(), expires.UnixNano())
		return err
	})
}

// SessionAdmin returns the active administrator of an unexpired session.
func (s *Store) SessionAdmin(ctx context.Context, token string, now time.Time) (a *data.Admin, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		a, err = scanAdmin(queryRow(ctx, tx, `SELECT `+prefixed("a.", adminColumns)+` FROM admin_sessions s
			JOIN admins a ON a.id = s.admin_id WHERE s.token_hash = ? AND s.expires_at > ? AND a.active`, secretHash(token), now.UnixNano()))
		if errors.Is(err, sql.ErrNoRows) {
			return data.Errorf(data.EUNAUTHORIZED, "登录已过期，请重新登录")
		}
		return err
	})
	return a, err
}

// EndOtherAdminSessions ends an administrator's console sessions but the
// one given (a password just changed).
func (s *Store) EndOtherAdminSessions(ctx context.Context, adminID, keep string) error {
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `DELETE FROM admin_sessions WHERE admin_id = ? AND token_hash <> ?`, adminID, secretHash(keep))
		return err
	})
}

// DeleteAdminSession ends a console session.
func (s *Store) DeleteAdminSession(ctx context.Context, token string) error {
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `DELETE FROM admin_sessions WHERE token_hash = ?`, secretHash(token))
		return err
	})
}

// DecideUnit approves a unit's registration or, with a reason, refuses it
// (audited): the unit reads the reason when it logs in, and may correct its
// details and send them again. An approved unit is not refused later.
func (s *Store) DecideUnit(ctx context.Context, creditCode string, approve bool, reason string) (*data.Unit, error) {
	u, err := s.UnitByCreditCode(ctx, creditCode)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case u.Approved && !approve:
		return nil, data.Errorf(data.ECONFLICT, "单位 %s 已通过审核，不能再驳回", u.Name)
	case !approve && reason == "":
		return nil, data.Errorf(data.EINVALID, "请写明不通过的原因，单位将看到它")
	}
	if approve {
		reason = ""
	}
	u.Approved, u.RejectReason = approve, reason
	return u, s.SaveUnit(ctx, u)
}

// ClerkByID returns a clerk or reviewer by ID.
func (s *Store) ClerkByID(ctx context.Context, id string) (*data.Clerk, error) {
	all, err := s.Clerks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, data.Errorf(data.ENOTFOUND, "找不到工作人员 %s", id)
}
