package idcard

import (
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// ReadTermb reads the card through the termb.dll at dll, in this process:
// the helper program's work. Port 0 tries the USB ports 1001–1016.
func ReadTermb(dll string, port int) Reply {
	lib, err := syscall.LoadDLL(dll)
	if err != nil {
		return Reply{Failed: FailedLoad, Detail: err.Error()}
	}
	defer lib.Release()
	procs := map[string]*syscall.Proc{}
	for _, name := range []string{"CVR_InitComm", "CVR_Authenticate", "CVR_Read_Content", "CVR_CloseComm",
		"GetPeopleName", "GetPeopleIDCode", "GetEndDate"} {
		if procs[name], err = lib.FindProc(name); err != nil {
			return Reply{Failed: FailedLoad, Detail: err.Error()}
		}
	}
	call := func(name string, args ...uintptr) int32 {
		r, _, _ := procs[name].Call(args...)
		return int32(r)
	}
	ports := []int{port}
	if port == 0 {
		ports = nil
		for p := 1001; p <= 1016; p++ {
			ports = append(ports, p)
		}
	}
	opened := false
	for _, p := range ports {
		if call("CVR_InitComm", uintptr(p)) == 1 {
			opened = true
			break
		}
	}
	if !opened {
		return Reply{Failed: FailedPort, Detail: fmt.Sprintf("CVR_InitComm failed on %v", ports)}
	}
	defer call("CVR_CloseComm")
	if r := call("CVR_Authenticate"); r != 1 {
		return Reply{Failed: FailedNoCard, Detail: fmt.Sprintf("CVR_Authenticate = %d", r)}
	}
	if r := call("CVR_Read_Content", 4); r != 1 {
		return Reply{Failed: FailedRead, Detail: fmt.Sprintf("CVR_Read_Content = %d", r)}
	}
	// Each getter fills a buffer with GBK text and its length.
	text := func(name string) string {
		buf := make([]byte, 256)
		n := int32(len(buf))
		if call(name, uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n))) != 1 || n < 0 || int(n) > len(buf) {
			return ""
		}
		s, err := simplifiedchinese.GBK.NewDecoder().Bytes(trimNUL(buf[:n]))
		if err != nil {
			return ""
		}
		return string(s)
	}
	return Reply{Name: text("GetPeopleName"), Number: text("GetPeopleIDCode"), To: text("GetEndDate")}
}

func trimNUL(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
