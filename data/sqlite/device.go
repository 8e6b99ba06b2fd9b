package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
)

// enrollAlphabet avoids letters people misread (I, O) and digits 0, 1.
var enrollAlphabet = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// secretHash is how codes and tokens are stored: only their SHA-256, so a
// copy of the database does not let anyone enroll or act as a device.
func secretHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// normalizeCode accepts a code as typed: any case, with or without dashes.
func normalizeCode(code string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
}

// CreateEnrollment makes a one-time enrollment code for a liaison point's
// clerk device (role clerk) or a bureau device, valid for ttl. The code is
// returned only here, as XXXX-XXXX-XXXX.
func (s *Store) CreateEnrollment(ctx context.Context, role data.Role, pointID string, ttl time.Duration, now time.Time) (string, error) {
	switch {
	case role == data.RoleClerk && pointID == "":
		return "", data.Errorf(data.EINVALID, "联络点工作站的注册码须指定人才联络点")
	case role == data.RoleBureau && pointID != "":
		return "", data.Errorf(data.EINVALID, "市局工作站的注册码不属于任何联络点")
	case role != data.RoleClerk && role != data.RoleBureau:
		return "", data.Errorf(data.EINVALID, "注册码的角色只能是联络点经办人或市局审核人员")
	case ttl <= 0:
		return "", data.Errorf(data.EINVALID, "注册码有效期须大于零")
	}
	raw := make([]byte, 8)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	c := enrollAlphabet.EncodeToString(raw)[:12]
	code := c[:4] + "-" + c[4:8] + "-" + c[8:]
	err := s.inWrite(ctx, func(tx *txn) error {
		if pointID != "" {
			if err := queryRow(ctx, tx, `SELECT 1 FROM liaison_points WHERE id = ?`, pointID).Scan(new(int)); err != nil {
				return notFound(err, "人才联络点", pointID)
			}
		}
		if _, err := exec(ctx, tx, `INSERT INTO enrollments (code_hash, role, liaison_point_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`,
			secretHash(normalizeCode(code)), string(role), pointID, now.Add(ttl).UnixNano(), now.UnixNano()); err != nil {
			return err
		}
		return s.auditAdmin(ctx, tx, "enroll", "role", string(role), "liaison_point_id", pointID, "expires_at", now.Add(ttl).UTC().Format(time.RFC3339))
	})
	return code, err
}

// Enroll spends a one-time code: it registers the device with its public
// key and returns it with its bearer token.
func (s *Store) Enroll(ctx context.Context, code string, publicKey []byte, hostname string, now time.Time) (*data.Device, string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	dev := &data.Device{ID: uuid.NewString(), PublicKey: publicKey, KeyID: data.KeyID(publicKey), Hostname: hostname, EnrolledAt: now.UTC()}
	err := s.inWrite(ctx, func(tx *txn) error {
		var (
			expires int64
			used    sql.NullInt64
		)
		h := secretHash(normalizeCode(code))
		err := queryRow(ctx, tx, `SELECT role, liaison_point_id, expires_at, used_at FROM enrollments WHERE code_hash = ?`, h).
			Scan(&dev.Role, &dev.LiaisonPointID, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return data.Errorf(data.EUNAUTHORIZED, "注册码无效：请核对后重新输入，或向市局管理员申请新的注册码")
		case err != nil:
			return err
		case used.Valid:
			return data.Errorf(data.EUNAUTHORIZED, "该注册码已使用过：每个注册码只能注册一台工作站")
		case now.UnixNano() > expires:
			return data.Errorf(data.EUNAUTHORIZED, "该注册码已过期：请向市局管理员申请新的注册码")
		}
		n, err := nextCounter(ctx, tx, "device_code")
		if err != nil {
			return err
		}
		dev.Code = fmt.Sprintf("D%03d", n)
		if _, err := exec(ctx, tx, `INSERT INTO devices (id, code, role, liaison_point_id, public_key, key_id, hostname, token_hash, enrolled_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, dev.ID, dev.Code, string(dev.Role), dev.LiaisonPointID, dev.PublicKey, dev.KeyID,
			dev.Hostname, secretHash(token), now.UnixNano()); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `UPDATE enrollments SET used_at = ?, device_id = ? WHERE code_hash = ?`, now.UnixNano(), dev.ID, h); err != nil {
			return err
		}
		return s.logChange(ctx, tx, data.ChangeDeviceKey, dev.ID, scopeAll)
	})
	if err != nil {
		return nil, "", err
	}
	return dev, token, nil
}

const deviceColumns = `id, code, role, liaison_point_id, public_key, key_id, hostname, enrolled_at, acked_seq, revoked_at, last_seen_at, build`

func scanDevice(row interface{ Scan(...any) error }) (*data.Device, error) {
	var d data.Device
	err := row.Scan(&d.ID, &d.Code, &d.Role, &d.LiaisonPointID, &d.PublicKey, &d.KeyID, &d.Hostname, nullTime{&d.EnrolledAt}, &d.AckedSeq, nullTime{&d.RevokedAt},
		nullTime{&d.LastSeenAt}, &d.Build)
	return &d, err
}

// Authenticate finds the device a bearer token belongs to.
func (s *Store) Authenticate(ctx context.Context, token string) (*data.Device, error) {
	var dev *data.Device
	err := s.inRead(ctx, func(tx *txn) (err error) {
		dev, err = scanDevice(queryRow(ctx, tx, `SELECT `+deviceColumns+` FROM devices WHERE token_hash = ?`, secretHash(token)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return data.Errorf(data.EUNAUTHORIZED, "设备令牌无效：请重新注册本工作站")
		case err == nil && !dev.RevokedAt.IsZero():
			return data.Errorf(data.EUNAUTHORIZED, "本工作站（%s）已于 %s 被市局停用，不能再同步；本机的操作保留在本机，请联系市局信息科",
				dev.Code, dev.RevokedAt.In(data.Shanghai).Format("2006-01-02 15:04"))
		}
		return err
	})
	return dev, err
}

// NoteSeen records that a device reached the server now, running build.
func (s *Store) NoteSeen(ctx context.Context, deviceID, build string, now time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `UPDATE devices SET last_seen_at = ?, build = ? WHERE id = ?`, now.UnixNano(), build, deviceID)
		return err
	})
}

// RevokeDevice stops a workstation at once: the server refuses its token
// from now on, and every desk learns that what it seals from now on is not
// to be trusted (a stolen counter PC). The reason is audited.
func (s *Store) RevokeDevice(ctx context.Context, code, reason string, now time.Time) (*data.Device, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, data.Errorf(data.EINVALID, "请写明停用原因（如：电脑失窃、报废）")
	}
	var dev *data.Device
	err := s.inWrite(ctx, func(tx *txn) (err error) {
		dev, err = scanDevice(queryRow(ctx, tx, `SELECT `+deviceColumns+` FROM devices WHERE code = ?`, strings.ToUpper(strings.TrimSpace(code))))
		switch {
		case err != nil:
			return notFound(err, "工作站", code)
		case !dev.RevokedAt.IsZero():
			return data.Errorf(data.ECONFLICT, "工作站 %s 已于 %s 停用", dev.Code, dev.RevokedAt.In(data.Shanghai).Format("2006-01-02 15:04"))
		}
		dev.RevokedAt = now.UTC()
		if _, err := exec(ctx, tx, `UPDATE devices SET revoked = 1, revoked_at = ? WHERE id = ?`, now.UnixNano(), dev.ID); err != nil {
			return err
		}
		if err := s.auditAdmin(ctx, tx, "device-revoke", "code", dev.Code, "reason", reason); err != nil {
			return err
		}
		return s.logChange(ctx, tx, data.ChangeDeviceKey, dev.ID, scopeAll)
	})
	return dev, err
}

// Devices lists the enrolled devices.
func (s *Store) Devices(ctx context.Context) ([]data.Device, error) {
	var out []data.Device
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT `+deviceColumns+` FROM devices ORDER BY code`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDevice(rows)
			if err != nil {
				return err
			}
			out = append(out, *d)
		}
		return rows.Err()
	})
	return out, err
}

// KeepRevocations revokes again, in a database restored from a backup, the
// devices revoked since that backup was taken (devs, as the replaced
// database had them): a stolen PC must not come back with the backup. It
// says how many it revoked.
func (s *Store) KeepRevocations(ctx context.Context, devs []data.Device) (int, error) {
	n := 0
	err := s.inWrite(ctx, func(tx *txn) error {
		for _, d := range devs {
			if d.RevokedAt.IsZero() {
				continue
			}
			res, err := exec(ctx, tx, `UPDATE devices SET revoked = 1, revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, d.RevokedAt.UnixNano(), d.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			n++
			if err := s.auditAdmin(ctx, tx, "device-revoke", "code", d.Code, "reason", "从备份恢复后保留原停用"); err != nil {
				return err
			}
			if err := s.logChange(ctx, tx, data.ChangeDeviceKey, d.ID, scopeAll); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
