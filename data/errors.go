// Package data holds TitleDesk's domain: types, the application state
// machine, validation of identity numbers and codes, the working-day
// calendar and money. It imports nothing of ours and knows no SQL.
package data

import (
	"errors"
	"fmt"

	// Windows has no zoneinfo database; embed it so Shanghai always loads.
	_ "time/tzdata"
)

// Error codes. They are stable strings so they can travel over sync and be
// mapped to HTTP statuses.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	// ESEQREUSED is a device's outbox seq that the server answered for
	// another command: the device's data folder was restored from an older
	// copy (DESIGN.md section 4), and it renumbers.
	ESEQREUSED = "seq_reused"
	// EBUSY is work refused for now because too much of it waits: try
	// again shortly.
	EBUSY = "busy"
	// EOFFLINE is a workstation that cannot reach the server: what the
	// clerk did is kept and sent when it can.
	EOFFLINE = "offline"
)

// Error is the application error. Message is Chinese and meant for a clerk
// or an applicant; Err keeps the underlying cause for logs.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a formatted Chinese message. A %w verb wraps
// its argument as Err while the message keeps the argument's text.
func Errorf(code, format string, args ...any) *Error {
	wrapped := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: wrapped.Error(), Err: errors.Unwrap(wrapped)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the Chinese message of the first *Error in err's
// chain; other errors get a generic message so internals never reach users.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请稍后重试或联系管理员。"
}
