//go:build !windows

package main

import "titledesk/idcard"

// read: the readers' SDK is a Windows DLL.
func read(string, int) idcard.Reply {
	return idcard.Reply{Failed: idcard.FailedLoad, Detail: "termb.dll is a Windows library"}
}
