//go:build !windows

package printing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"titledesk/data"
)

// CUPS prints through the lp and lpstat commands of CUPS (Debian's
// cups-client and cups-bsd), which honour CUPS_SERVER and the user's
// lpoptions like every other program on the machine. CUPS takes PDF as it
// is.
type CUPS struct{}

// System is this system's spooler.
func System() Spooler { return CUPS{} }

func (CUPS) Printers(ctx context.Context) ([]string, string, error) {
	if err := scheduler(ctx); err != nil {
		return nil, "", err
	}
	out, err := run(ctx, nil, "lpstat", "-e")
	if err != nil {
		return nil, "", err
	}
	names := strings.Fields(out)
	def := ""
	if out, err := run(ctx, nil, "lpstat", "-d"); err == nil {
		// "system default destination: NAME", or "no system default destination"
		if _, name, ok := strings.Cut(strings.TrimSpace(out), ": "); ok {
			def = name
		}
	}
	return names, def, nil
}

var requestID = regexp.MustCompile(`request id is (\S+)`)

func (CUPS) Print(ctx context.Context, j Job) (Accepted, error) {
	args := []string{"-n", strconv.Itoa(max(j.Copies, 1)), "-o", "media=A4", "-t", j.Title}
	if j.Printer != "" {
		args = append(args, "-d", j.Printer)
	}
	out, err := run(ctx, j.PDF, "lp", append(args, "--", "-")...)
	if err != nil {
		// Without its scheduler lp says the printer does not exist.
		if down := scheduler(ctx); down != nil {
			return Accepted{}, down
		}
		return Accepted{}, refused(j.Printer, err)
	}
	m := requestID.FindStringSubmatch(out)
	if m == nil {
		return Accepted{}, &data.Error{Code: data.EINTERNAL, Message: "打印服务没有确认收到打印任务", Err: fmt.Errorf("lp: %q", out)}
	}
	// The request id is the printer's name and the job's number: it names
	// the default printer a job without one went to.
	return Accepted{Printer: m[1][:max(strings.LastIndex(m[1], "-"), 0)], Job: m[1]}, nil
}

// scheduler is nil when CUPS's scheduler answers.
func scheduler(ctx context.Context) error {
	out, err := run(ctx, nil, "lpstat", "-r")
	switch {
	case err != nil:
		return refused("", err)
	case !strings.Contains(out, "scheduler is running"):
		return &data.Error{Code: data.EINTERNAL, Message: "本机打印服务（CUPS）没有运行，请重启电脑或联系管理员", Err: fmt.Errorf("lpstat -r: %s", strings.TrimSpace(out))}
	}
	return nil
}

// lpError is what lp or lpstat printed when it failed.
type lpError struct {
	missing bool // the command itself is not installed
	text    string
}

func (e *lpError) Error() string { return e.text }

func run(ctx context.Context, stdin []byte, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	// lp's messages in English whatever the desk's language, so that
	// refused can read them; the clerk reads ours.
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	if errors.Is(err, exec.ErrNotFound) {
		return "", &lpError{missing: true, text: fmt.Sprintf("%s: not installed", name)}
	}
	if err != nil {
		return "", &lpError{text: strings.TrimSpace(stderr.String() + " " + stdout.String())}
	}
	return stdout.String(), nil
}

// refused turns lp's complaint into what the clerk should do; lp's own
// words stay in the error's cause, for the log.
func refused(printer string, err error) error {
	var e *lpError
	if !errors.As(err, &e) {
		return &data.Error{Code: data.EINTERNAL, Message: "打印失败", Err: err}
	}
	name := printer
	if name == "" {
		name = "默认打印机"
	}
	for _, r := range lpReasons {
		if r.missing == e.missing && (r.says == "" || strings.Contains(strings.ToLower(e.text), r.says)) {
			return &data.Error{Code: r.code, Message: strings.ReplaceAll(r.message, "{printer}", name), Err: err}
		}
	}
	return &data.Error{Code: data.EINTERNAL, Message: "打印机“" + name + "”拒绝了打印任务", Err: err}
}

// lpReasons are what lp says, first match wins.
var lpReasons = []struct {
	missing bool
	says    string // in lp's message, lower case
	code    string
	message string
}{
	{true, "", data.EINTERNAL, "本机没有安装打印服务（CUPS），无法打印；文件已保存，可另存为PDF后在其他电脑打印"},
	{false, "no default destination", data.EINVALID, "本机没有默认打印机，请在“设置”中选择打印机"},
	{false, "does not exist", data.ENOTFOUND, "找不到打印机“{printer}”，请在“设置”中重新选择"},
	{false, "not accepting", data.ECONFLICT, "打印机“{printer}”暂停接收打印任务（已停用或脱机），请检查打印机后重试"},
}
