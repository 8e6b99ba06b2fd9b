package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/forms"
)

// runRestore is `admin restore`: it puts a backup made by `admin backup`
// in place as the data folder's database (README "备份与恢复"). The backup
// is checked first (SQLite's integrity check, the audit chain) on a copy,
// and given a new epoch, so every workstation learns at its next sync that
// the server may have forgotten work it acknowledged, and sends it again.
// The database it replaces is kept beside it, never deleted.
func runRestore(e *env, args []string) error {
	fs := flag.NewFlagSet("admin restore", flag.ContinueOnError)
	dir := dataFlag(fs)
	from := fs.String("from", "", "backup file written by `admin backup`")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if err := required(e, "from", *from); err != nil {
		return err
	}
	f := folder(*dir)
	if _, err := sealKey(f); err != nil {
		return data.Errorf(data.ENOTFOUND, "数据目录 %s 中没有可用的市局签章密钥（keys/bureau-seal.pem）：请先从数据目录的备份中恢复 keys/、tls/ 和 blobs/，再恢复数据库（%w）", *dir, err)
	}
	if _, err := os.Stat(f.db()); err == nil {
		if err := sqlite.CheckUnused(f.db()); err != nil {
			return err
		}
	}
	ctx := e.ctx
	now := time.Now()
	// Revocations made since the backup survive it, if the database being
	// replaced can still be read.
	var devices []data.Device
	if _, err := os.Stat(f.db()); err == nil {
		if prev, err := sqlite.OpenServer(f.db()); err == nil {
			devices, err = prev.Devices(ctx)
			prev.Close()
			if err != nil {
				fmt.Fprintf(e.stdout, "warning: the database being replaced could not be read (%v): check admin device-list for workstations revoked since the backup\n", err)
			}
		}
	}
	restoring := f.db() + ".restoring"
	if err := removeDB(restoring); err != nil {
		return err
	}
	if err := copyFile(*from, restoring); err != nil {
		return data.Errorf(data.EINVALID, "无法读取备份文件 %s：%w", *from, err)
	}
	report, err := checkRestored(ctx, restoring, filepath.Base(*from), f, devices, now)
	if err != nil {
		removeDB(restoring)
		return err
	}
	replaced := ""
	if _, err := os.Stat(f.db()); err == nil {
		replaced = f.db() + ".replaced-" + now.In(data.Shanghai).Format("20060102-150405")
		if err := moveDB(f.db(), replaced); err != nil {
			return err
		}
	}
	if err := moveDB(restoring, f.db()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s from %s\nnew epoch: %s\naudit chain intact: %d events\n", f.db(), *from, report.epoch, report.events)
	if replaced != "" {
		fmt.Fprintf(e.stdout, "the database it replaced is kept as %s\n", replaced)
	}
	if report.revoked > 0 {
		fmt.Fprintf(e.stdout, "%d workstations revoked since the backup stay revoked\n", report.revoked)
	}
	if report.missing > 0 {
		fmt.Fprintf(e.stdout, "warning: %d scans or proofs the database names are not in %s: copy blobs/ back from the folder backup\n", report.missing, f.blobs())
	}
	fmt.Fprintln(e.stdout, "workstations send again, at their next sync, what this backup lacks; start the server with `titledesk-server serve`")
	e.log.Warn("database restored from a backup", "from", *from, "epoch", report.epoch, "replaced", replaced, "missing_blobs", report.missing)
	return nil
}

type restoreReport struct {
	epoch                    string
	events, missing, revoked int
}

// checkRestored opens the copy being restored (migrating an older one),
// checks it and gives it its new epoch.
func checkRestored(ctx context.Context, path, from string, f folder, devices []data.Device, now time.Time) (r restoreReport, err error) {
	db, err := sqlite.OpenServer(path)
	if err != nil {
		return r, data.Errorf(data.EINVALID, "备份文件不是可用的 TitleDesk 服务器数据库：%w", err)
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr // its new epoch must be written whole
		}
	}()
	if err := db.IntegrityCheck(ctx); err != nil {
		return r, err
	}
	if _, err := db.Identity(ctx); data.ErrorCode(err) != data.ENOTFOUND {
		return r, data.Errorf(data.EINVALID, "这是工作站的数据库，不是服务器的备份，未恢复")
	}
	keys, err := bureauKeys(f)
	if err != nil {
		return r, err
	}
	// As of its own last checkpoint: a backup is old by nature.
	last, err := db.LastCheckpoint(ctx)
	if err != nil {
		return r, err
	}
	report, err := db.VerifyAudit(ctx, keys, last.At)
	if err != nil {
		return r, err
	}
	if b := report.Break; b != nil {
		return r, data.Errorf(data.ECONFLICT, "备份的审计链在第 %d 条事件处断开（%s），未恢复：请换一份备份", b.Seq, b.Reason)
	}
	if len(report.Fields) > 0 {
		f := report.Fields[0]
		return r, data.Errorf(data.ECONFLICT, "备份中申请 %s 的 %s 与审计记录不符（共 %d 处），未恢复：请换一份备份", f.ApplicationNo, f.Field, len(report.Fields))
	}
	for _, p := range report.Problems {
		if p.Kind != "missing" {
			return r, data.Errorf(data.ECONFLICT, "备份的审计检查点有问题（%s），未恢复：请换一份备份", p.Text)
		}
	}
	r.events = report.Events
	names, err := db.BlobNames(ctx)
	if err != nil {
		return r, err
	}
	for _, n := range names {
		if !blobstore.Dir(f.blobs()).Has(n) {
			r.missing++
		}
	}
	if r.epoch, err = db.NewEpoch(ctx, from, now); err != nil {
		return r, err
	}
	if r.revoked, err = db.KeepRevocations(ctx, devices); err != nil {
		return r, err
	}
	return r, checkpoint(ctx, f, db, "restore")
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// dbFiles are a SQLite database's files: its WAL files first, so the
// database file itself goes last and never without them.
var dbFiles = []string{"-wal", "-shm", ""}

// removeDB removes a database and its WAL files, those that are there.
func removeDB(path string) error {
	for _, suffix := range dbFiles {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// moveDB moves a database and its WAL files, those that are there.
func moveDB(from, to string) error {
	for _, suffix := range dbFiles {
		if err := os.Rename(from+suffix, to+suffix); err != nil && (suffix == "" || !errors.Is(err, os.ErrNotExist)) {
			return err
		}
	}
	return nil
}

// runKeyRotate is `admin key-rotate`: a new bureau sealing key for forms and
// checkpoints from now on. The old one moves to keys/retired/, where
// verify-audit finds it, and desks learn of both at their next sync, so
// what it sealed still verifies. The server must be stopped: it reads its
// key at start.
func runKeyRotate(e *env, args []string) error {
	fs := flag.NewFlagSet("admin key-rotate", flag.ContinueOnError)
	dir := dataFlag(fs)
	if err := parse(fs, e, args); err != nil {
		return err
	}
	f := folder(*dir)
	old, err := sealKey(f)
	if err != nil {
		return data.Errorf(data.ENOTFOUND, "数据目录 %s 中没有市局签章密钥：%w", *dir, err)
	}
	if err := sqlite.CheckUnused(f.db()); err != nil {
		return err
	}
	// The key in use is known to desks before it retires (a database from
	// before key rotation has not registered it yet).
	db, _, err := openStore(e.ctx, f)
	if err != nil {
		return err
	}
	db.Close()
	fresh, keyID, err := forms.NewKey()
	if err != nil {
		return err
	}
	oldID := data.KeyID(old.Public().(ed25519.PublicKey))
	if err := os.MkdirAll(f.retiredKeys(), 0o700); err != nil {
		return err
	}
	// The old key is kept under retired/ first, then the new one replaces
	// it in one rename: a crash leaves a sealing key in place either way.
	oldPEM, err := os.ReadFile(f.sealKey())
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(f.retiredKeys(), oldID+".pem"), oldPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(f.sealKey()+".new", fresh, 0o600); err != nil {
		return err
	}
	if err := os.Rename(f.sealKey()+".new", f.sealKey()); err != nil {
		return err
	}
	db, _, err = openStore(e.ctx, f) // registers the new key, retires the old, for desks
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkpoint(e.ctx, f, db, "key-rotate"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "new bureau sealing key %s; %s kept in %s for verifying\n", keyID, oldID, f.retiredKeys())
	return nil
}
