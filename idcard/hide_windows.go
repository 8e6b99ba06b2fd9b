package idcard

import (
	"os/exec"
	"syscall"
)

// hidden keeps the helper's console window from flashing over the desk.
func hidden(cmd *exec.Cmd) {
	const createNoWindow = 0x08000000
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}
