//go:build !windows

// Package testcups runs a throwaway CUPS spooler for tests
// (scripts/cups-spooler): a cups-pdf printer, TitleDesk-PDF, whose jobs
// come out as PDF files, and TitleDesk-Off, which refuses every job.
package testcups

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Printer names the spooler sets up.
const (
	PDF = "TitleDesk-PDF" // the default
	Off = "TitleDesk-Off" // disabled, refuses jobs
)

// Spooler is a running throwaway cupsd.
type Spooler struct {
	Dir string
	Out string // where TitleDesk-PDF's jobs come out
}

func script() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "scripts", "cups-spooler")
}

// Start starts a spooler and points this process's CUPS clients (lp,
// lpstat) at it through CUPS_SERVER. Meant for TestMain: Stop it after.
func Start() (*Spooler, error) {
	sweep()
	// The filters run as the user lp: the folder must be open to others,
	// which a test's temporary folder is not.
	dir, err := os.MkdirTemp("/tmp", "cups-")
	if err == nil {
		err = os.Chmod(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "owner"), []byte(strconv.Itoa(os.Getpid())), 0o644)
	}
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(script(), "start", dir).Output()
	if err != nil {
		os.RemoveAll(dir)
		if e, ok := err.(*exec.ExitError); ok {
			return nil, fmt.Errorf("cups-spooler start: %v: %s", err, e.Stderr)
		}
		return nil, fmt.Errorf("cups-spooler start: %w", err)
	}
	s := &Spooler{Dir: dir}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if !ok {
			continue
		}
		value = strings.Trim(value, "'")
		os.Setenv(name, value)
		if name == "CUPS_PDF_OUT" {
			s.Out = value
		}
	}
	if os.Getenv("CUPS_SERVER") == "" || s.Out == "" {
		s.Stop()
		return nil, fmt.Errorf("cups-spooler start printed no environment: %q", out)
	}
	return s, nil
}

// sweep stops the spoolers whose test process is gone: one that panicked
// never reached its Stop.
func sweep() {
	owners, _ := filepath.Glob("/tmp/cups-*/owner")
	for _, owner := range owners {
		b, _ := os.ReadFile(owner)
		pid, err := strconv.Atoi(string(b))
		if err == nil && syscall.Kill(pid, 0) == nil {
			continue // still running
		}
		(&Spooler{Dir: filepath.Dir(owner)}).Stop()
	}
}

// Main is a TestMain: it runs the package's tests with a spooler started
// for them, kept in *s when s is not nil, stops it and exits.
func Main(m *testing.M, s **Spooler) {
	sp, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if s != nil {
		*s = sp
	}
	code := m.Run()
	sp.Stop()
	os.Exit(code)
}

// Stop stops the spooler and removes its folder.
func (s *Spooler) Stop() {
	exec.Command(script(), "stop", s.Dir).Run()
	os.RemoveAll(s.Dir)
}

// Output waits until job (as lp named it, "TitleDesk-PDF-3") has been
// written by the cups-pdf printer and returns the file.
func (s *Spooler) Output(ctx context.Context, job string) (string, error) {
	_, n, ok := strings.Cut(job, PDF+"-")
	if !ok {
		return "", fmt.Errorf("job %q is not %s's", job, PDF)
	}
	for {
		// The file appears before Ghostscript has finished it: wait for
		// the job to be completed.
		done, err := exec.CommandContext(ctx, "lpstat", "-W", "completed", "-o", PDF).Output()
		if err != nil {
			return "", fmt.Errorf("lpstat: %w", err)
		}
		if strings.Contains(string(done)+" ", job+" ") {
			files, _ := filepath.Glob(filepath.Join(s.Out, "*-job_"+n+".pdf"))
			if len(files) == 1 {
				return files[0], nil
			}
			return "", fmt.Errorf("job %s completed, but %d files in %s", job, len(files), s.Out)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("job %s not printed: %w", job, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
