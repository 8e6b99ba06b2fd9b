package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"

	"titledesk/data"
)

// ProtocolVersion is the wire version every request carries in
// ProtocolHeader. A server that no longer speaks it answers 426 so the
// workstation can tell the clerk to update rather than fail obscurely.
// 2: pushed commands name the decision they were made on (After), and the
// server relies on it to refuse what follows a refused one.
// 3: desks start a round by asking the server's state (epoch, acknowledged
// seq, change head) and send again what a restored server lacks (Replay);
// a desk that cannot would be stuck, and lose work, after a restore.
const (
	ProtocolVersion = 3
	ProtocolHeader  = "X-TitleDesk-Protocol"
	// BuildHeader says which build a desk runs (Build), for the console.
	BuildHeader = "X-TitleDesk-Build"
	// TimeHeader carries the server's clock on every answer of the API
	// (RFC 3339 with nanoseconds); desks measure their offset from it.
	TimeHeader = "X-TitleDesk-Time"
)

// EUPGRADE is the error code of a request in a protocol version the server
// does not speak.
const EUPGRADE = "upgrade"

// maxBody bounds a JSON request; a push batch of 500 commands fits easily.
const maxBody = 4 << 20

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// statusOf maps an error code to its HTTP status.
var statusOf = map[string]int{
	data.EINVALID:      http.StatusBadRequest,
	data.ENOTFOUND:     http.StatusNotFound,
	data.ECONFLICT:     http.StatusConflict,
	data.EUNAUTHORIZED: http.StatusUnauthorized,
	data.EFORBIDDEN:    http.StatusForbidden,
	data.EINTERNAL:     http.StatusInternalServerError,
	EUPGRADE:           http.StatusUpgradeRequired,
	data.ESEQREUSED:    http.StatusConflict,
	data.EBUSY:         http.StatusServiceUnavailable,
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// HTTPStatus is the status an error answers with, by its code; the portal
// answers with the same.
func HTTPStatus(err error) int {
	if status, ok := statusOf[data.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

func writeError(w http.ResponseWriter, err error) {
	writeJSON(w, HTTPStatus(err), ErrorBody{Code: data.ErrorCode(err), Message: data.ErrorMessage(err)})
}

// decodeJSON reads exactly one JSON value into v, refusing bodies over
// maxBody, unknown fields and trailing data, so a confused or hostile client
// gets a 4xx and nothing is half-applied.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return data.Errorf(data.EINVALID, "请求过大（上限 %d 字节）：%w", maxBody, err)
		}
		return data.Errorf(data.EINVALID, "请求格式不正确：%w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return data.Errorf(data.EINVALID, "请求格式不正确：JSON 之后还有多余内容")
	}
	return nil
}

// checkProtocol refuses requests of another protocol version, saying which
// side is behind.
func checkProtocol(r *http.Request) error {
	v := r.Header.Get(ProtocolHeader)
	switch n, err := strconv.Atoi(v); {
	case v == fmt.Sprint(ProtocolVersion):
		return nil
	case err == nil && n > ProtocolVersion:
		return data.Errorf(EUPGRADE, "市局服务器的软件比本工作站旧（协议 %d，工作站为 %d），请联系市局升级服务器；操作已保存在本机。", ProtocolVersion, n)
	}
	return data.Errorf(EUPGRADE, "工作站版本与服务器不兼容（协议 %q，服务器为 %d），请升级工作站软件。", v, ProtocolVersion)
}

// Who records, for the request log, which device or user a request came
// from once a handler has authenticated it.
type Who struct{ Device, User string }

func (w *Who) String() string {
	switch {
	case w.Device != "" && w.User != "":
		return w.Device + "/" + w.User
	case w.Device != "":
		return w.Device
	}
	return w.User
}

type whoKey struct{}

// WithWho gives handlers down the chain a Who to fill in.
func WithWho(ctx context.Context, w *Who) context.Context { return context.WithValue(ctx, whoKey{}, w) }

// NoteWho records the device or user of an authenticated request for the
// request log (the sync API notes devices, the portal its accounts).
func NoteWho(ctx context.Context, device, user string) {
	if w, ok := ctx.Value(whoKey{}).(*Who); ok {
		w.Device, w.User = device, user
	}
}

// Build is this program's build: its commit, as Go records it, or
// "(devel)" for one built without version control.
var Build = func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(len(s.Value), 10)]
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	switch {
	case rev == "":
		return info.Main.Version
	case dirty:
		return rev + "+"
	}
	return rev
}()
