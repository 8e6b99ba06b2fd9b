package notify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"titledesk/data"
)

// ServiceError is an SMS service's refusal of a message, with the code and
// message it gave: a bad signature (SignatureDoesNotMatch,
// AuthFailure.SignatureFailure), a rate limit (isv.BUSINESS_LIMIT_CONTROL),
// a bad number (isv.MOBILE_NUMBER_ILLEGAL) and so on.
type ServiceError struct {
	Provider  string // aliyun or tencent
	Status    int    // the HTTP status of the answer
	Code      string // the service's error code
	Message   string // the service's message, as given
	RequestID string
}

func (e *ServiceError) Error() string {
	s := fmt.Sprintf("%s SendSms: %s: %s", e.Provider, e.Code, e.Message)
	if e.Status != http.StatusOK {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.RequestID != "" {
		s += " (RequestId " + e.RequestID + ")"
	}
	return s
}

// templateFor is the service's registered template for the message's key.
// Chinese SMS services send only registered, approved templates, so a
// message whose key has none is not sent as free text: it is an error that
// names the key.
func templateFor(service string, templates map[string]string, m data.SMS) (string, error) {
	code := strings.TrimSpace(templates[m.Template])
	if code == "" {
		return "", data.Errorf(data.EINVALID, "%s短信没有为消息 %q 登记模板（配置 templates 中缺这一项），不能发送", service, m.Template)
	}
	if strings.TrimSpace(m.Mobile) == "" {
		return "", data.Errorf(data.EINVALID, "消息 %q 没有手机号，不能发送", m.Template)
	}
	return code, nil
}

// post sends req with the client or a default one, and reads at most 64 KiB
// of the answer.
func post(ctx context.Context, c *http.Client, req *http.Request) (status int, body []byte, err error) {
	if c == nil {
		c = defaultClient
	}
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, body, nil
}

var defaultClient = &http.Client{Timeout: 15 * time.Second}

// snippet is the start of an answer that is not what the service documents,
// for the error that reports it.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
