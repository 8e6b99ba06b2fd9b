package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3"

	"titledesk/data"
)

// snapshotFormat is the layout of a bulk snapshot file: tables meta,
// applications, attachments, decisions (the columns of applicationColumns,
// attachmentColumns and decisionColumns) and entities (seq, kind, entity_id,
// data: every other logged entity of the scope, as a pull carries it).
const snapshotFormat = 1

// WriteSnapshot writes everything in the device's scope, as of one read
// transaction, to a new SQLite file at path (DESIGN.md section 4): a new
// desk's first pull in one download of tables it copies, instead of
// hundreds of pages of JSON it decodes row by row.
func (s *Store) WriteSnapshot(ctx context.Context, dev *data.Device, path string) (data.Snapshot, error) {
	var out data.Snapshot
	scope, args := `scope <> '-'`, deviceScopes(dev)
	if args != nil {
		scope = `scope IN (` + placeholders(len(args)) + `)`
	}
	err := withSnapshot(ctx, s.read, "BEGIN", path, func(tx *txn) error {
		for _, q := range []string{
			`CREATE TABLE snap.meta (format INTEGER NOT NULL, cursor INTEGER NOT NULL, applications INTEGER NOT NULL)`,
			`CREATE TABLE snap.entities (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, entity_id TEXT NOT NULL, data BLOB NOT NULL)`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		// The cursor is read first: a change logged after it is pulled
		// again later, which costs a row, while one missed would be lost.
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM main.changes`).Scan(&out.Cursor); err != nil {
			return err
		}
		for _, q := range []string{
			`CREATE TABLE snap.applications AS SELECT ` + applicationColumns + ` FROM main.applications
				WHERE id IN (SELECT entity_id FROM main.changes WHERE kind = 'application' AND ` + scope + `) ORDER BY id`,
			`CREATE TABLE snap.attachments AS SELECT ` + attachmentColumns + ` FROM main.attachments
				WHERE application_id IN (SELECT id FROM snap.applications) ORDER BY application_id, ord`,
			`CREATE TABLE snap.decisions AS SELECT ` + decisionColumns + ` FROM main.decisions
				WHERE application_id IN (SELECT id FROM snap.applications) ORDER BY application_id, ord`,
		} {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		changes, err := changesTx(ctx, tx, `SELECT seq, kind, entity_id FROM main.changes
			WHERE kind NOT IN ('application', 'moved_away') AND `+scope+` ORDER BY seq`, args...)
		if err != nil {
			return err
		}
		for _, c := range changes {
			body, err := s.changeData(ctx, tx, c.Kind, c.ID)
			if err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `INSERT INTO snap.entities (seq, kind, entity_id, data) VALUES (?, ?, ?, ?)`, c.Seq, c.Kind, c.ID, body); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM snap.applications`).Scan(&out.Applications); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO snap.meta (format, cursor, applications) VALUES (?, ?, ?)`, snapshotFormat, out.Cursor, out.Applications)
		return err
	})
	return out, err
}

// ApplySnapshot stores a snapshot that WriteSnapshot wrote, read from r,
// on a desk that holds nothing yet (see Fresh), and sets the cursor its
// pulls go on from, all in one transaction. The file is kept beside the
// database while it is applied and removed after.
func (s *Store) ApplySnapshot(ctx context.Context, r io.Reader) (data.Snapshot, error) {
	out, err := s.applySnapshot(ctx, r)
	if broken(err) {
		return out, &data.Error{Code: data.EINVALID, Message: "从市局服务器下载的初始数据不完整，本次未装入任何数据，稍后自动重试", Err: err}
	}
	return out, err
}

func (s *Store) applySnapshot(ctx context.Context, r io.Reader) (data.Snapshot, error) {
	var out data.Snapshot
	// A desk killed while applying one left its file behind.
	stale, _ := filepath.Glob(filepath.Join(s.dir, "snapshot-*.db"))
	for _, f := range stale {
		os.Remove(f)
	}
	f, err := os.CreateTemp(s.dir, "snapshot-*.db")
	if err != nil {
		return out, internal(err)
	}
	path := f.Name()
	defer os.Remove(path)
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// The download broke off or did not decompress: nothing was applied.
		return out, fmt.Errorf("%w: %w", errSnapshotBroken, err)
	}
	err = withSnapshot(ctx, s.write, "BEGIN IMMEDIATE", path, func(tx *txn) error {
		var format int
		err := tx.QueryRowContext(ctx, `SELECT format, cursor, applications FROM snap.meta`).Scan(&format, &out.Cursor, &out.Applications)
		if err != nil {
			return fmt.Errorf("%w: %w", errSnapshotBroken, err)
		}
		if format != snapshotFormat {
			return data.Errorf(data.EINVALID, "服务器发来的初始数据格式（%d）本工作站不认识，请升级工作站软件", format)
		}
		if fresh, err := freshTx(ctx, tx); err != nil || !fresh {
			if err == nil {
				err = data.Errorf(data.ECONFLICT, "本工作站已有数据，不能再装入初始数据")
			}
			return err
		}
		// Indexes and the names' grams are built once at the end, from
		// sorted rows, not grown by a million inserts in random order.
		const bulk = `FROM main.sqlite_master WHERE sql IS NOT NULL AND (type = 'index' AND tbl_name IN ('applications', 'attachments', 'decisions')
			OR type = 'trigger' AND name = 'applications_grams_insert')`
		rebuilt, err := queryStrings(ctx, tx, `SELECT sql `+bulk)
		if err != nil {
			return err
		}
		dropped, err := queryStrings(ctx, tx, `SELECT 'DROP ' || type || ' main."' || name || '"' `+bulk)
		if err != nil {
			return err
		}
		for _, q := range dropped {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for _, table := range []string{"applications", "attachments", "decisions"} {
			if err := copyTable(ctx, tx, table); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO main.name_grams (gram, application_id)
			SELECT gram, application_id FROM main.application_name_grams ORDER BY 1, 2`); err != nil {
			return err
		}
		for _, q := range rebuilt {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM main.applications`).Scan(&held); err != nil {
			return err
		}
		if held != out.Applications {
			return fmt.Errorf("%w: %d applications, meta says %d", errSnapshotBroken, held, out.Applications)
		}
		changes, err := changesTx(ctx, tx, `SELECT seq, kind, entity_id, data FROM snap.entities ORDER BY seq`)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if err := s.applyChange(ctx, tx, c, nil); err != nil {
				return fmt.Errorf("change %d (%s %s): %w", c.Seq, c.Kind, c.ID, err)
			}
		}
		// A first pull notes what it brought, like a paged one (EndResync).
		if _, err := exec(ctx, tx, `INSERT OR IGNORE INTO resync_seen (application_id)
			SELECT id FROM snap.applications WHERE (SELECT resync FROM identity) = 1`); err != nil {
			return err
		}
		_, err = exec(ctx, tx, `UPDATE identity SET cursor = ?`, out.Cursor)
		return err
	})
	return out, err
}

// errSnapshotBroken marks a snapshot file that is not whole.
var errSnapshotBroken = errors.New("snapshot broken")

// broken tells a snapshot that is not whole: cut short, damaged, or not
// the file it should be (the transaction that read it is rolled back).
func broken(err error) bool {
	var se sqlite3.Error
	return errors.Is(err, errSnapshotBroken) || errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB)
}

// Fresh tells whether this desk holds nothing pulled yet: a new desk, whose
// first pull can be one snapshot (ApplySnapshot).
func (s *Store) Fresh(ctx context.Context) (fresh bool, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		fresh, err = freshTx(ctx, tx)
		return err
	})
	return fresh, err
}

func freshTx(ctx context.Context, tx *txn) (bool, error) {
	var fresh bool
	err := queryRow(ctx, tx, `SELECT coalesce((SELECT cursor FROM identity), 0) = 0 AND NOT EXISTS (SELECT 1 FROM main.applications)`).Scan(&fresh)
	return fresh, err
}

// copyTable copies a snapshot's table into the same one of this database,
// by the columns both have: a server one version apart may add a column
// this desk lacks, or lack one it has (which keeps its default).
func copyTable(ctx context.Context, tx *txn, table string) error {
	cols, err := queryStrings(ctx, tx, `SELECT name FROM pragma_table_info(?1, 'snap')
		WHERE name IN (SELECT name FROM pragma_table_info(?1, 'main')) ORDER BY cid`, table)
	if err != nil {
		return err
	}
	if len(cols) == 0 {
		return fmt.Errorf("%w: no table %s", errSnapshotBroken, table)
	}
	list := strings.Join(cols, ", ")
	_, err = tx.ExecContext(ctx, `INSERT INTO main.`+table+` (`+list+`) SELECT `+list+` FROM snap.`+table)
	return err
}

// withSnapshot attaches the file at path as schema snap to a connection of
// db and runs fn in one transaction there, committing if it succeeds.
func withSnapshot(ctx context.Context, db *sql.DB, begin, path string, fn func(tx *txn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return internal(err)
	}
	defer conn.Close()
	// No journal: nobody reads the file before it is whole.
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS snap`, path); err != nil {
		return internal(fmt.Errorf("%w: %w", errSnapshotBroken, err))
	}
	for _, q := range []string{`PRAGMA snap.journal_mode = OFF`, `PRAGMA snap.synchronous = OFF`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return internal(fmt.Errorf("%w: %w", errSnapshotBroken, err))
		}
	}
	err = inTx(ctx, conn, begin, true, fn)
	if _, derr := conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE snap`); derr != nil {
		// A connection still holding the file must not go back to the pool.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		if err == nil {
			err = internal(derr)
		}
	}
	return err
}
