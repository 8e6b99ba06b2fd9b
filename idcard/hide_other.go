//go:build !windows

package idcard

import "os/exec"

// hidden: only Windows opens a console window for a helper.
func hidden(*exec.Cmd) {}
