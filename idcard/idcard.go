// Package idcard reads second-generation resident identity cards
// (二代身份证) at the counter, through the SDK most readers ship: termb.dll
// with CVR_InitComm, CVR_Authenticate, CVR_Read_Content and the GetPeople…
// functions (华视 CVR-100 and the many readers compatible with it).
//
// The DLL is loaded by a small helper program of its own architecture
// (titledesk-idcard.exe, or titledesk-idcard-x86.exe for a vendor's 32-bit
// DLL, which a 64-bit program cannot load), which prints the card as one
// line of JSON. A vendor DLL that crashes then takes only the helper down.
package idcard

import (
	"context"
	"debug/pe"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"titledesk/data"
)

// Reader reads the card lying on a reader.
type Reader interface {
	Read(ctx context.Context) (*data.IDCard, error)
}

// Termb reads through termb.dll.
type Termb struct {
	DLL       string // the vendor's termb.dll
	Port      int    // 1001–1016 USB, 1–16 serial; 0 tries the USB ports
	HelperDir string // where the helpers are: the desk's own folder
}

// Helpers by the DLL's machine type.
var helpers = map[uint16]string{
	pe.IMAGE_FILE_MACHINE_AMD64: "titledesk-idcard.exe",
	pe.IMAGE_FILE_MACHINE_I386:  "titledesk-idcard-x86.exe",
}

// HelperFor names the helper that can load dll.
func HelperFor(dll string) (string, error) {
	f, err := pe.Open(dll)
	if err != nil {
		return "", &data.Error{Code: data.EINVALID, Message: "“" + dll + "”不是可用的阅读器驱动（termb.dll），请在“设置”中重新选择", Err: err}
	}
	defer f.Close()
	name, ok := helpers[f.Machine]
	if !ok {
		return "", &data.Error{Code: data.EINVALID, Message: "阅读器驱动“" + dll + "”不是 Windows 32 位或 64 位程序", Err: fmt.Errorf("machine %#x", f.Machine)}
	}
	return name, nil
}

func (t Termb) Read(ctx context.Context) (*data.IDCard, error) {
	name, err := HelperFor(t.DLL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(t.HelperDir, name), "-dll", t.DLL, "-port", strconv.Itoa(t.Port))
	hidden(cmd)
	out, err := cmd.Output()
	var r Reply
	if jerr := json.Unmarshal(out, &r); jerr != nil {
		if err == nil {
			err = jerr
		}
		return nil, &data.Error{Code: data.EINTERNAL, Message: "身份证阅读器程序没有正常结束，请重新放卡再读", Err: fmt.Errorf("%s: %w (%q)", name, err, out)}
	}
	return r.Card()
}

// Reply is what the helper prints: the card, or why there is none.
type Reply struct {
	Name   string `json:"name,omitempty"`
	Number string `json:"number,omitempty"`
	To     string `json:"to,omitempty"` // the card's end: yyyymmdd, as the chip holds it, or 长期
	Failed string `json:"failed,omitempty"`
	Detail string `json:"detail,omitempty"` // for the log
}

// Why a read fails, as the helper says it.
const (
	FailedLoad   = "load"   // the DLL or a function is missing
	FailedPort   = "port"   // CVR_InitComm: no reader on the port
	FailedNoCard = "nocard" // CVR_Authenticate: no card on the reader
	FailedRead   = "read"   // CVR_Read_Content
)

var failures = map[string]struct{ code, message string }{
	FailedLoad:   {data.EINVALID, "无法加载身份证阅读器驱动（termb.dll），请在“设置”中检查驱动文件"},
	FailedPort:   {data.ENOTFOUND, "没有找到身份证阅读器，请检查阅读器的连接线和“设置”中的端口"},
	FailedNoCard: {data.ENOTFOUND, "阅读器上没有身份证，请把证件平放在阅读器上再读"},
	FailedRead:   {data.EINVALID, "读卡失败，请把证件平放、不要移动，再读一次"},
}

// ErrNoCard is the cause of the error of a read with no card on the
// reader: the counter check, watching for a card, says nothing of it.
var ErrNoCard = errors.New("no card on the reader")

// Card is the reply as a card, or its failure as an error.
func (r Reply) Card() (*data.IDCard, error) {
	if r.Failed != "" {
		f, ok := failures[r.Failed]
		if !ok {
			f = failures[FailedRead]
		}
		cause := errors.New(r.Failed + ": " + r.Detail)
		if r.Failed == FailedNoCard {
			cause = fmt.Errorf("%w: %s", ErrNoCard, r.Detail)
		}
		return nil, &data.Error{Code: f.code, Message: f.message, Err: cause}
	}
	c := &data.IDCard{Name: strings.TrimSpace(r.Name), Number: data.Normalize(r.Number)}
	var err error
	if strings.TrimSpace(r.To) != "长期" {
		c.ValidTo, err = chipDate(r.To)
	}
	if err != nil || c.Name == "" {
		return nil, &data.Error{Code: data.EINVALID, Message: failures[FailedRead].message, Err: fmt.Errorf("card %+v: %v", r, err)}
	}
	return c, nil
}

func chipDate(s string) (time.Time, error) {
	return time.ParseInLocation("20060102", strings.TrimSpace(s), data.Shanghai)
}
