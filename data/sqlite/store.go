// Package sqlite is TitleDesk's store on SQLite: the workstation's local
// database and the server's embedded one. Exported methods each run in one
// transaction; unexported helpers take the transaction (txn).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"titledesk/data"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is an open database. Writes go through a single connection that
// begins transactions IMMEDIATE, so concurrent writers queue on
// busy_timeout instead of failing when a read lock would have to be
// upgraded; reads use a pool and, thanks to WAL, never wait for writers.
type Store struct {
	write *sql.DB
	read  *sql.DB
	// dir is the database's folder, where a snapshot being applied is kept.
	dir string
	// server marks the bureau's authoritative store, which keeps the change
	// log devices pull from.
	server bool

	// SealForm, set on the server, seals the application form at
	// bureau_pass (data/sqlite cannot import forms).
	SealForm func(app *data.Application, pointName string) (string, error)
	// BlobExists, set on the server, tells whether an uploaded blob is
	// there; a command naming a missing one waits (DESIGN.md section 4).
	BlobExists func(sha256 string) bool

	// On the server, a commit wakes the checkpointer (see OpenServer).
	committed, stop, stopped chan struct{}
	stopOnce                 gosync.Once
}

// OpenServer opens the bureau server's database: Open plus the change log.
func OpenServer(path string) (*Store, error) {
	s, err := Open(path)
	if err != nil {
		return nil, err
	}
	s.server = true
	// The server's one write connection keeps 32 MB of pages, so a push of
	// 500 commands rarely reads from disk; workstations keep SQLite's 2 MB
	// per connection, as their memory budget is tight.
	//
	// Its checkpoints run beside the writer, not in it. SQLite's own
	// checkpoint copies the WAL back into the database within the commit
	// that takes the WAL past 1,000 pages, so a push paid for earlier
	// pushes' pages and the fsync (about 20 % of a push at 100,000
	// applications, whose commands dirty pages all over the indexes). A
	// connection of its own copies them after each commit, on the other
	// core. The writer still checkpoints past 16,384 pages (64 MB), so a
	// checkpointer held back by a long reader cannot let the WAL grow
	// without bound.
	if _, err := s.write.Exec(`PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 16384`); err != nil {
		s.Close()
		return nil, err
	}
	s.committed, s.stop, s.stopped = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
	go s.checkpointer()
	// The reference data seeded by migrations must reach devices too.
	err = s.inWrite(context.Background(), func(tx *txn) error {
		for _, kind := range []string{data.ChangeReasons, data.ChangeFees, data.ChangeCalendar, data.ChangeFinance} {
			if _, err := tx.ExecContext(context.Background(), `INSERT OR IGNORE INTO changes (kind, entity_id, scope) VALUES (?, 'all', '')`, kind); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Open opens or creates the database file at path and migrates it.
func Open(path string) (*Store, error) {
	dsn := func() string {
		q := url.Values{}
		q.Set("_journal_mode", "WAL")
		q.Set("_foreign_keys", "on")
		q.Set("_busy_timeout", "10000")
		q.Set("_synchronous", "NORMAL") // safe with WAL; only the last commits may be lost on power loss
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite3", dsn())
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	s := &Store{write: w, dir: filepath.Dir(path)}
	if err := s.migrate(context.Background()); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	if s.read, err = sql.Open("sqlite3", dsn()); err != nil {
		w.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if s.stop != nil {
		s.stopOnce.Do(func() { close(s.stop) })
		<-s.stopped
	}
	rerr := s.read.Close()
	if err := s.write.Close(); err != nil {
		return err
	}
	return rerr
}

// migrate runs every embedded migration not yet applied, each in its own
// transaction, in file-name order, then the steps in Go they left to do.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY);
		CREATE TABLE IF NOT EXISTS migration_steps (name TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.migrateOne(ctx, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	for _, name := range names {
		if err := s.stepAfter(ctx, name); err != nil {
			return fmt.Errorf("%s, step after: %w", name, err)
		}
	}
	return nil
}

// afterMigration are steps in Go for what SQL alone cannot do. A step runs
// once every migration is applied, so it may use any table or column the
// code knows; its migration records it as due in the same transaction, so a
// crash in between leaves it due, and it runs at the next open.
var afterMigration = map[string]func(*Store, context.Context, *txn) error{
	"migrations/025_command_order.sql": (*Store).relayQueued,
}

// migrateOne applies migration name unless it was, recording its step as due.
func (s *Store) migrateOne(ctx context.Context, name string) error {
	return s.inWrite(ctx, func(tx *txn) error {
		return migrateIn(ctx, tx, name)
	})
}

func migrateIn(ctx context.Context, tx *txn, name string) error {
	var n int
	if err := queryRow(ctx, tx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
		return err
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	// A script of many statements: prepared, only its first would run.
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if afterMigration[name] != nil {
		if _, err := exec(ctx, tx, `INSERT INTO migration_steps (name) VALUES (?)`, name); err != nil {
			return err
		}
	}
	_, err = exec(ctx, tx, `INSERT INTO schema_migrations (name) VALUES (?)`, name)
	return err
}

// stepAfter runs the step of migration name if it is due.
func (s *Store) stepAfter(ctx context.Context, name string) error {
	step := afterMigration[name]
	if step == nil {
		return nil
	}
	return s.inWrite(ctx, func(tx *txn) error {
		res, err := exec(ctx, tx, `DELETE FROM migration_steps WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return step(s, ctx, tx)
	})
}

// prep returns q prepared once in tx.
func prep(ctx context.Context, tx *txn, q string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[q]; ok {
		return st, nil
	}
	st, err := tx.PrepareContext(ctx, q)
	if err == nil {
		tx.stmts[q] = st
	}
	return st, err
}

func queryRow(ctx context.Context, tx *txn, q string, args ...any) *sql.Row {
	st, err := prep(ctx, tx, q)
	if err != nil {
		return tx.QueryRowContext(ctx, q, args...) // carries the same error
	}
	return st.QueryRowContext(tx.ctx, args...)
}

// queryStrings returns the one column of text q selects.
func queryStrings(ctx context.Context, tx *txn, q string, args ...any) ([]string, error) {
	rows, err := query(ctx, tx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func query(ctx context.Context, tx *txn, q string, args ...any) (*sql.Rows, error) {
	st, err := prep(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(tx.ctx, args...)
}

func exec(ctx context.Context, tx *txn, q string, args ...any) (sql.Result, error) {
	st, err := prep(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(tx.ctx, args...)
}

// inWrite runs fn in a write transaction and commits if it succeeds. It
// begins IMMEDIATE, so concurrent writers queue on busy_timeout instead of
// failing when a read lock would have to be upgraded.
func (s *Store) inWrite(ctx context.Context, fn func(tx *txn) error) error {
	err := inConn(ctx, s.write, "BEGIN IMMEDIATE", true, fn)
	if err == nil && s.committed != nil {
		select {
		case s.committed <- struct{}{}:
		default: // a checkpoint is due already
		}
	}
	return err
}

// checkpointer copies committed WAL pages into the database after each
// write transaction, passively: it never waits for the writer or readers,
// and what it could not copy it copies after the next commit.
func (s *Store) checkpointer() {
	defer close(s.stopped)
	for {
		select {
		case <-s.stop:
			return
		case <-s.committed:
			if _, err := s.read.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				log.Printf("WARN wal checkpoint: %v", err)
			}
		}
	}
}

// inRead runs fn in a read transaction, so that a page and its count see
// the same snapshot.
func (s *Store) inRead(ctx context.Context, fn func(tx *txn) error) error {
	return inConn(ctx, s.read, "BEGIN", false, fn)
}

// internal marks database failures as EINTERNAL and lets domain errors
// through unchanged.
func internal(err error) error {
	if err == nil || data.ErrorCode(err) != data.EINTERNAL {
		return err
	}
	if e, ok := err.(*data.Error); ok {
		return e
	}
	return &data.Error{Code: data.EINTERNAL, Message: "数据库操作失败，请稍后重试或联系管理员。", Err: err}
}

// ts stores a time as UTC Unix nanoseconds, the zero time as NULL.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// nullTime reads what ts stored.
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*n.t = time.Time{}
	case int64:
		*n.t = time.Unix(0, v).UTC()
	default:
		return fmt.Errorf("time column holds %T", v)
	}
	return nil
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// NextCounter raises a named counter and returns its new value: the
// per-device sequences of document numbers issued offline.
func (s *Store) NextCounter(ctx context.Context, name string) (n int64, err error) {
	err = s.inWrite(ctx, func(tx *txn) error {
		n, err = nextCounter(ctx, tx, name)
		return err
	})
	return n, err
}

// Backup writes a consistent copy of the database to path while it is in
// use (VACUUM INTO reads one snapshot; writers carry on under WAL).
func (s *Store) Backup(ctx context.Context, path string) error {
	_, err := s.read.ExecContext(ctx, `VACUUM INTO ?`, path)
	return internal(err)
}

// nextCounter raises a named counter and returns its new value.
func nextCounter(ctx context.Context, tx *txn, name string) (int64, error) {
	var v int64
	err := queryRow(ctx, tx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`, name).Scan(&v)
	return v, err
}

// Counter reads a named counter without raising it (0 if never raised).
func (s *Store) Counter(ctx context.Context, name string) (n int64, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT coalesce((SELECT value FROM counters WHERE name = ?), 0)`, name).Scan(&n)
	})
	return n, err
}
