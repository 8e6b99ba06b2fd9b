package data

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestErrors(t *testing.T) {
	err := Errorf(ECONFLICT, "申请 %s 已被他人处理", "2026000001")
	wrapped := fmt.Errorf("push: %w", err)
	if ErrorCode(wrapped) != ECONFLICT || ErrorMessage(wrapped) != "申请 2026000001 已被他人处理" {
		t.Errorf("wrapped: %q %q", ErrorCode(wrapped), ErrorMessage(wrapped))
	}
	if ErrorCode(io.EOF) != EINTERNAL || !strings.Contains(ErrorMessage(io.EOF), "系统内部错误") {
		t.Errorf("plain error: %q %q", ErrorCode(io.EOF), ErrorMessage(io.EOF))
	}
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil error")
	}
	cause := Errorf(EINTERNAL, "保存失败：%w", io.ErrUnexpectedEOF)
	if !errors.Is(cause, io.ErrUnexpectedEOF) || !strings.Contains(cause.Error(), "unexpected EOF") {
		t.Errorf("cause not kept: %v", cause)
	}
}
