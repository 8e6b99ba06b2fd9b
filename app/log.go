package app

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// maxLog is the size past which the desk's log starts afresh at the next
// start, the previous one kept as titledesk.log.1.
const maxLog = 4 << 20

// openLog opens the desk's log in its data folder: what sync did by itself
// (recoveries after restores) in JSON lines a support person can read. It
// holds no passwords and no identity numbers. Without a writable folder it
// logs nowhere rather than stop the desk.
func openLog(dir string) (*slog.Logger, io.Closer) {
	path := filepath.Join(dir, "titledesk.log")
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLog {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return slog.New(slog.DiscardHandler), io.NopCloser(nil)
	}
	return slog.New(slog.NewJSONHandler(f, nil)), f
}
