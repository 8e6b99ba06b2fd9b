package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"strings"
	"time"

	"titledesk/data"
)

// The server's side of "restores lose nothing" (DESIGN.md section 4).

// State is what a device compares with what it knows at the start of a
// sync round: the server's epoch, the device's acknowledged seq and the
// highest change seq ever handed out.
func (s *Store) State(ctx context.Context, dev *data.Device) (data.SyncState, error) {
	var st data.SyncState
	err := s.inRead(ctx, func(tx *txn) error {
		err := queryRow(ctx, tx, `SELECT (SELECT epoch FROM server_epoch), acked_seq,
			coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0) FROM devices WHERE id = ?`, dev.ID).
			Scan(&st.Epoch, &st.AckedSeq, &st.Head)
		return notFound(err, "设备", dev.Code)
	})
	return st, err
}

// Results returns up to limit of the device's stored outcomes after seq.
func (s *Store) Results(ctx context.Context, dev *data.Device, after int64, limit int) ([]data.CommandResult, bool, error) {
	var out []data.CommandResult
	err := s.inRead(ctx, func(tx *txn) (err error) {
		out, err = resultsTx(ctx, tx, dev.ID, after, limit+1)
		return err
	})
	if len(out) > limit {
		return out[:limit], true, err
	}
	return out, false, err
}

// DeviceNumbers is the highest sequence per number counter among the
// certificates the device numbered.
func (s *Store) DeviceNumbers(ctx context.Context, dev *data.Device) (map[string]int64, error) {
	code := data.Normalize(dev.Code)
	out := map[string]int64{}
	err := s.inRead(ctx, func(tx *txn) error {
		// The device code is upper-case letters and digits: nothing LIKE
		// would read as a wildcard.
		nos, err := queryStrings(ctx, tx, `SELECT certificate_no FROM applications WHERE certificate_no LIKE ?`, "ZC-"+code+"-%")
		if err != nil {
			return err
		}
		for _, no := range nos {
			if n, ok := data.ParseDeviceNumber(no); ok && n.Device == code {
				out[n.Counter()] = max(out[n.Counter()], n.Seq)
			}
		}
		return nil
	})
	return out, err
}

// Epoch is the server's identity since its last restore.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var e string
	err := s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT epoch FROM server_epoch`).Scan(&e)
	})
	return e, err
}

// NewEpoch gives a restored database a new identity, recording when and
// from which backup it was restored, so every device learns on its next
// sync that acknowledged work may be missing.
func (s *Store) NewEpoch(ctx context.Context, from string, now time.Time) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	epoch := hex.EncodeToString(b)
	err := s.inWrite(ctx, func(tx *txn) error {
		if _, err := exec(ctx, tx, `UPDATE server_epoch SET epoch = ?, restored_at = ?, restored_from = ?`, epoch, now.UnixNano(), from); err != nil {
			return err
		}
		return s.auditAdmin(ctx, tx, "restore", "from", from, "epoch", epoch)
	})
	return epoch, err
}

// IntegrityCheck runs SQLite's full integrity check and says what it found.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var problems []string
	err := s.inRead(ctx, func(tx *txn) (err error) {
		problems, err = queryStrings(ctx, tx, `PRAGMA integrity_check`)
		return err
	})
	if err != nil {
		return data.Errorf(data.EINVALID, "数据库无法读取：%w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return data.Errorf(data.EINVALID, "数据库完整性检查未通过：%s", strings.Join(problems, "；"))
	}
	return nil
}

// BlobNames lists every blob the database names: scans and payment proofs.
func (s *Store) BlobNames(ctx context.Context) ([]string, error) {
	var out []string
	err := s.inRead(ctx, func(tx *txn) (err error) {
		out, err = queryStrings(ctx, tx, `SELECT sha256 FROM attachments UNION SELECT display_sha256 FROM attachments WHERE display_sha256 <> ''
			UNION SELECT payment_proof FROM applications WHERE payment_proof <> ''`)
		return err
	})
	return out, err
}

// CheckUnused refuses when another program has the database at path open,
// a running server above all: a file replaced under it would keep taking
// its writes. An idle open connection is enough to refuse an exclusive lock.
func CheckUnused(path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?_locking_mode=EXCLUSIVE&_txlock=exclusive&_busy_timeout=1000")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		return data.Errorf(data.ECONFLICT, "数据库 %s 正被其他程序使用：请先停止 titledesk-server serve（%w）", path, err)
	}
	return tx.Rollback()
}

// BureauKey is the public half of one of the bureau's sealing keys.
type BureauKey struct {
	KeyID     string
	PublicKey []byte
	RetiredAt time.Time `json:",omitzero"`
}

// RegisterBureauKey records the bureau's current sealing key, once, and
// retires the one before it, so desks learn of both by sync.
func (s *Store) RegisterBureauKey(ctx context.Context, keyID string, public []byte, now time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		res, err := exec(ctx, tx, `INSERT OR IGNORE INTO bureau_keys (key_id, public_key, added_at) VALUES (?, ?, ?)`, keyID, public, now.UnixNano())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		retired, err := exec(ctx, tx, `UPDATE bureau_keys SET retired_at = ? WHERE key_id <> ? AND retired_at IS NULL`, now.UnixNano(), keyID)
		if err != nil {
			return err
		}
		if n, _ := retired.RowsAffected(); n > 0 {
			if err := s.auditAdmin(ctx, tx, "key-rotate", "key_id", keyID); err != nil {
				return err
			}
		}
		return s.logChange(ctx, tx, data.ChangeBureauKeys, "all", scopeAll)
	})
}

func bureauKeysTx(ctx context.Context, tx *txn) ([]BureauKey, error) {
	rows, err := query(ctx, tx, `SELECT key_id, public_key, retired_at FROM bureau_keys ORDER BY added_at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BureauKey
	for rows.Next() {
		var k BureauKey
		if err := rows.Scan(&k.KeyID, &k.PublicKey, nullTime{&k.RetiredAt}); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// BureauKeys are the bureau's sealing keys this store knows (a desk: as
// synced), by key id.
func (s *Store) BureauKeys(ctx context.Context) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.inRead(ctx, func(tx *txn) error {
		keys, err := bureauKeysTx(ctx, tx)
		for _, k := range keys {
			out[k.KeyID] = k.PublicKey
		}
		return err
	})
	return out, err
}
