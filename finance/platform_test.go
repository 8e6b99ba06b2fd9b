package finance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"titledesk/data"
)

// stub is a platform: it checks signatures as the real one must and keeps
// one notice per application. Some application numbers misbehave.
type stub struct {
	secret []byte
	mu     sync.Mutex
	issued map[string]IssueAnswer
}

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if r.Method != http.MethodPost || r.URL.Path != "/v1/notices" {
		http.NotFound(w, r)
		return
	}
	if err := VerifySignature(r, body, s.secret, time.Now(), 5*time.Minute); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]string{"message": data.ErrorMessage(err)})
		return
	}
	var req IssueRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	switch req.AppNo {
	case "down":
		http.Error(w, "maintenance", http.StatusInternalServerError)
		return
	case "slow":
		time.Sleep(300 * time.Millisecond)
	case "huge":
		fmt.Fprintf(w, `{"notice_no": "N", "pay_code": "P", "amount_fen": %d, "payee": "%s"}`, req.Amount, strings.Repeat("x", maxAnswer))
		return
	case "closed":
		w.WriteHeader(http.StatusUnprocessableEntity)
		json.NewEncoder(w).Encode(map[string]string{"message": "该收费项目已停用"})
		return
	}
	s.mu.Lock()
	a, ok := s.issued[req.AppNo]
	if !ok {
		a = IssueAnswer{
			NoticeNo: fmt.Sprintf("4419%08d", len(s.issued)+1), PayCode: fmt.Sprintf("PC%08d", len(s.issued)+1), Amount: req.Amount,
			Payee: "东莞市人力资源局", Due: time.Date(2026, 12, 3, 0, 0, 0, 0, data.Shanghai), PayURL: "https://pay.example.gov.cn/p/1",
			IssuedAt: time.Now().Truncate(time.Second),
		}
		if req.AppNo == "cheap" {
			a.Amount--
		}
		s.issued[req.AppNo] = a
	}
	s.mu.Unlock()
	json.NewEncoder(w).Encode(a)
}

func TestIssue(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	srv := httptest.NewServer(&stub{secret: secret, issued: map[string]IssueAnswer{}})
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + "/", AppID: "titledesk", Secret: secret, HTTP: &http.Client{Timeout: 100 * time.Millisecond}}
	req := func(appNo string) IssueRequest {
		return IssueRequest{AppNo: appNo, Payer: "张三", IDNumber: "44190019900307002X", Item: "专业技术资格考核认定费", Amount: 30000}
	}

	first, err := c.Issue(context.Background(), req("ZC-1"))
	if err != nil || first.NoticeNo == "" || first.Amount != 30000 || !first.Due.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, data.Shanghai)) {
		t.Fatalf("Issue = %+v, %v", first, err)
	}
	if again, err := c.Issue(context.Background(), req("ZC-1")); err != nil || again != first {
		t.Errorf("asking again = %+v, %v; want the same notice %+v", again, err, first)
	}
	if other, err := c.Issue(context.Background(), req("ZC-2")); err != nil || other.NoticeNo == first.NoticeNo {
		t.Errorf("another application = %+v, %v", other, err)
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		name      string
		c         *Client
		appNo     string
		transient bool
		says      string
	}{
		{"wrong secret", &Client{BaseURL: srv.URL, AppID: "titledesk", Secret: []byte("guess")}, "ZC-1", false, "非税平台拒绝开具缴款通知书：请求签名不正确"},
		{"refused with a reason", c, "closed", false, "非税平台拒绝开具缴款通知书：该收费项目已停用"},
		{"server error", c, "down", true, "HTTP 500"},
		{"timeout", c, "slow", true, "请稍后重试"},
		{"unreachable", &Client{BaseURL: closed.URL, Secret: secret}, "ZC-1", true, "请稍后重试"},
		{"amount mismatch", c, "cheap", false, "金额 299.99 元与应缴金额 300.00 元不符"},
		{"oversized answer", c, "huge", false, "超过 1048576 字节"},
		{"no application number", c, "", false, "需要申请编号"},
		{"bad base URL", &Client{BaseURL: "://x", Secret: secret}, "ZC-1", false, "地址"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.Issue(context.Background(), req(tc.appNo))
			if err == nil {
				t.Fatal("no error")
			}
			if Transient(err) != tc.transient {
				t.Errorf("Transient(%v) = %v, want %v", err, Transient(err), tc.transient)
			}
			if want := map[bool]string{false: data.EINVALID, true: data.EINTERNAL}[tc.transient]; data.ErrorCode(err) != want {
				t.Errorf("code of %v = %s, want %s", err, data.ErrorCode(err), want)
			}
			if !strings.Contains(data.ErrorMessage(err), tc.says) {
				t.Errorf("message %q does not say %q", data.ErrorMessage(err), tc.says)
			}
		})
	}
}

func TestVerifySignature(t *testing.T) {
	secret, body, now := []byte("0123456789abcdef"), []byte(`{"app_no":"ZC-1"}`), time.Now()
	signed := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "https://fs.example/api/v1/notices", bytes.NewReader(body))
		(&Client{AppID: "titledesk", Secret: secret}).sign(r, body, now)
		return r
	}
	if err := VerifySignature(signed(), body, secret, now, time.Minute); err != nil {
		t.Fatalf("a signed request is refused: %v", err)
	}
	if a, b := signed(), signed(); a.Header.Get("X-Nonce") == b.Header.Get("X-Nonce") {
		t.Error("two requests share a nonce")
	}
	for _, tc := range []struct {
		name   string
		change func(r *http.Request) ([]byte, time.Time)
		says   string
	}{
		{"other body", func(r *http.Request) ([]byte, time.Time) { return []byte(`{"app_no":"ZC-2"}`), now }, "签名不正确"},
		{"other path", func(r *http.Request) ([]byte, time.Time) { r.URL.Path = "/api/v1/refunds"; return body, now }, "签名不正确"},
		{"other nonce", func(r *http.Request) ([]byte, time.Time) { r.Header.Set("X-Nonce", "00"); return body, now }, "签名不正确"},
		{"too late", func(r *http.Request) ([]byte, time.Time) { return body, now.Add(2 * time.Minute) }, "超过允许的 1m0s"},
		{"too early", func(r *http.Request) ([]byte, time.Time) { return body, now.Add(-2 * time.Minute) }, "超过允许的 1m0s"},
		{"unsigned", func(r *http.Request) ([]byte, time.Time) { r.Header.Del("X-Signature"); return body, now }, "未签名"},
		{"bad timestamp", func(r *http.Request) ([]byte, time.Time) { r.Header.Set("X-Timestamp", "soon"); return body, now }, "时间戳"},
	} {
		r := signed()
		b, at := tc.change(r)
		if err := VerifySignature(r, b, secret, at, time.Minute); data.ErrorCode(err) != data.EUNAUTHORIZED || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.says)
		}
	}
}

func TestLoadPlatform(t *testing.T) {
	path := filepath.Join(t.TempDir(), "platform.json")
	for _, tc := range []struct {
		json string
		says string // "" for success
	}{
		{`{"base_url": "https://fs.example.gov.cn/api", "app_id": "td", "secret": "s3cret"}`, ""},
		{`{"base_url": "http://127.0.0.1:8081", "app_id": "td", "secret": "s3cret"}`, ""},
		{`{"base_url": "http://localhost:8081", "app_id": "td", "secret": "s3cret"}`, ""},
		{`{"base_url": "http://fs.example.gov.cn", "app_id": "td", "secret": "s3cret"}`, "应以 https:// 开头"},
		{`{"base_url": "fs.example.gov.cn", "app_id": "td", "secret": "s3cret"}`, "应以 https:// 开头"},
		{`{"base_url": "https://fs.example.gov.cn", "app_id": "td"}`, "应填写 base_url、app_id 和 secret"},
		{`{"base_url": "https://fs.example.gov.cn", "app_id": "td", "secret": "s", "token": "t"}`, "格式不正确"},
	} {
		if err := os.WriteFile(path, []byte(tc.json), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadPlatform(path)
		switch {
		case tc.says == "" && (err != nil || c.AppID != "td" || string(c.Secret) != "s3cret"):
			t.Errorf("LoadPlatform(%s) = %+v, %v", tc.json, c, err)
		case tc.says != "" && (err == nil || !strings.Contains(err.Error(), tc.says)):
			t.Errorf("LoadPlatform(%s) = %v, want %q", tc.json, err, tc.says)
		}
	}
}
