package main

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// The server builds a new desk's snapshot in its data folder, not the
// system's temporary one, leaves nothing there afterwards, and clears what
// a server killed mid-build left.
func TestServerSnapshotInDataFolder(t *testing.T) {
	b := newBureau(t)
	stale := filepath.Join(b.dir, "titledesk-snapshot-killed")
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "snapshot.db"), make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, b.dir)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the killed build's folder is still there (%v)", err)
	}
	db := b.store(t)
	app := submitted(t, db, "DLXH")
	submitted(t, db, "JZXH")
	dev := b.enroll(t, srv.url, "clerk", "DLXH")

	path := filepath.Join(t.TempDir(), "snapshot.db")
	// No temporary folder to build in: only the data folder will do.
	t.Setenv("TMPDIR", filepath.Join(b.dir, "no-such-folder"))
	body, err := dev.c.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create(path)
	_, err = io.Copy(f, body)
	body.Close()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	var id string
	var n int
	if err := snap.QueryRow(`SELECT min(id), count(*) FROM applications`).Scan(&id, &n); err != nil || n != 1 || id != app.ID {
		t.Errorf("the snapshot holds %d applications (%s, %v), want DLXH's one", n, id, err)
	}
	if left, _ := filepath.Glob(filepath.Join(b.dir, "titledesk-snapshot-*")); len(left) != 0 {
		t.Errorf("left in the data folder: %v", left)
	}
}
