package finance

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"titledesk/data"
)

// IssueRequest asks the platform for the notice of one application; AppNo
// makes it idempotent: asking again returns the same notice.
type IssueRequest struct {
	AppNo    string   `json:"app_no"`
	Payer    string   `json:"payer"`
	IDNumber string   `json:"id_number"`
	Item     string   `json:"item"` // 收费项目
	Amount   data.Fen `json:"amount_fen"`
}

// IssueAnswer is the notice the platform issued.
type IssueAnswer struct {
	NoticeNo string    `json:"notice_no"`
	PayCode  string    `json:"pay_code"`
	Amount   data.Fen  `json:"amount_fen"`
	Payee    string    `json:"payee"`
	Due      time.Time `json:"due"` // RFC 3339
	PayURL   string    `json:"pay_url"`
	IssuedAt time.Time `json:"issued_at"`
}

// Platform issues payment notices.
type Platform interface {
	Issue(ctx context.Context, r IssueRequest) (IssueAnswer, error)
}

// Client is the platform's API over HTTPS, every request signed with the
// secret the finance bureau gave the app (see sign).
type Client struct {
	BaseURL string
	AppID   string
	Secret  []byte
	HTTP    *http.Client // nil: a client with a 30 s timeout
}

var defaultHTTP = &http.Client{Timeout: 30 * time.Second}

// maxAnswer bounds the platform's answer: a notice is a few hundred bytes.
const maxAnswer = 1 << 20

// errTransient marks a failure that may pass by itself: the platform down,
// overloaded or unreachable. Asking again later is safe, as AppNo makes
// Issue idempotent.
var errTransient = errors.New("finance platform unavailable")

// Transient reports whether err may pass on retry; any other error from
// Issue needs a person (the request or the configuration is wrong).
func Transient(err error) bool { return errors.Is(err, errTransient) }

func transient(format string, args ...any) error {
	return fmt.Errorf("%w: %w", errTransient, data.Errorf(data.EINTERNAL, "非税平台暂时无法开具缴款通知书（"+format+"），请稍后重试", args...))
}

// Issue asks the platform to issue the notice of r.AppNo.
func (c *Client) Issue(ctx context.Context, r IssueRequest) (IssueAnswer, error) {
	if r.AppNo == "" || r.Amount <= 0 {
		return IssueAnswer{}, data.Errorf(data.EINVALID, "开具缴款通知书需要申请编号和大于 0 的金额")
	}
	body, err := json.Marshal(r)
	if err != nil {
		return IssueAnswer{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.BaseURL, "/")+"/v1/notices", bytes.NewReader(body))
	if err != nil {
		return IssueAnswer{}, data.Errorf(data.EINVALID, "非税平台地址“%s”不正确：%w", c.BaseURL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	c.sign(req, body, time.Now())
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return IssueAnswer{}, transient("%w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	switch {
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusRequestTimeout:
		return IssueAnswer{}, transient("HTTP %d", resp.StatusCode)
	case err != nil:
		return IssueAnswer{}, transient("应答中断：%w", err)
	case resp.StatusCode != http.StatusOK:
		return IssueAnswer{}, data.Errorf(data.EINVALID, "非税平台拒绝开具缴款通知书：%s", refusal(resp.StatusCode, raw))
	case len(raw) > maxAnswer:
		return IssueAnswer{}, data.Errorf(data.EINVALID, "非税平台的应答超过 %d 字节，不是缴款通知书", maxAnswer)
	}
	var a IssueAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return IssueAnswer{}, data.Errorf(data.EINVALID, "非税平台的应答无法识别：%w", err)
	}
	return a, check(a, r)
}

// refusal is the platform's reason for a 4xx, when it gives one we can show.
func refusal(status int, raw []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Message != "" && data.CheckText("", e.Message, data.FieldLength*2) == nil {
		return e.Message
	}
	return fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
}

// check refuses an answer that is not the notice asked for: it is printed
// on a form and its link becomes a QR code, so it must hold nothing else.
func check(a IssueAnswer, r IssueRequest) error {
	switch {
	case a.NoticeNo == "" || a.PayCode == "":
		return data.Errorf(data.EINVALID, "非税平台的应答缺少缴款通知书编号或缴款码")
	case a.Amount != r.Amount:
		return data.Errorf(data.EINVALID, "非税平台开具的缴款通知书金额 %s 元与应缴金额 %s 元不符，请联系财政部门核实", a.Amount, r.Amount)
	}
	for _, t := range []struct {
		label, value string
		max          int
	}{
		{"缴款通知书编号", a.NoticeNo, maxCell}, {"缴款码", a.PayCode, maxCell}, {"收款单位", a.Payee, maxCell}, {"缴费链接", a.PayURL, data.NoteLength},
	} {
		if err := data.CheckText("非税平台应答的"+t.label, t.value, t.max); err != nil {
			return err
		}
	}
	return nil // what a notice may carry beyond this is the state machine's to say (notice_issue)
}

// sign adds the signature headers. The signature covers the method, path,
// time, a random nonce and the body's hash, so a request cannot be altered
// and an old one is refused after the allowed clock skew.
func (c *Client) sign(req *http.Request, body []byte, now time.Time) {
	nonce := make([]byte, 16)
	rand.Read(nonce)
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set("X-App-Id", c.AppID)
	req.Header.Set("X-Timestamp", ts)
	req.Header.Set("X-Nonce", hex.EncodeToString(nonce))
	req.Header.Set("X-Signature", signature(c.Secret, req.Method, req.URL.EscapedPath(), ts, hex.EncodeToString(nonce), body))
}

func signature(secret []byte, method, path, ts, nonce string, body []byte) string {
	sum := sha256.Sum256(body)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(method + "\n" + path + "\n" + ts + "\n" + nonce + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(m.Sum(nil))
}

// VerifySignature is the platform's side of sign: r's headers must sign
// body with secret, at a time within maxSkew of now. The caller picks
// secret by r's X-App-Id. Nonces are not remembered: a replay within the
// skew can only ask again for a notice already issued.
func VerifySignature(r *http.Request, body []byte, secret []byte, now time.Time, maxSkew time.Duration) error {
	ts, nonce, sig := r.Header.Get("X-Timestamp"), r.Header.Get("X-Nonce"), r.Header.Get("X-Signature")
	if r.Header.Get("X-App-Id") == "" || ts == "" || nonce == "" || sig == "" {
		return data.Errorf(data.EUNAUTHORIZED, "请求未签名")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return data.Errorf(data.EUNAUTHORIZED, "请求的时间戳“%s”不正确", ts)
	}
	if d := now.Sub(time.Unix(sec, 0)).Abs(); d > maxSkew {
		return data.Errorf(data.EUNAUTHORIZED, "请求的时间与服务器相差 %s，超过允许的 %s：请校准时钟", d.Round(time.Second), maxSkew)
	}
	if !hmac.Equal([]byte(sig), []byte(signature(secret, r.Method, r.URL.EscapedPath(), ts, nonce, body))) {
		return data.Errorf(data.EUNAUTHORIZED, "请求签名不正确")
	}
	return nil
}

// LoadPlatform reads the platform's configuration, a JSON file:
//
//	{"base_url": "https://fs.example.gov.cn/api", "app_id": "...", "secret": "..."}
//
// The secret signs requests, so base_url must be https; plain http is
// allowed on loopback only, for a local stub.
func LoadPlatform(path string) (*Client, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, data.Errorf(data.EINVALID, "无法读取非税平台配置文件 %s：%w", path, err)
	}
	var cfg struct {
		BaseURL string `json:"base_url"`
		AppID   string `json:"app_id"`
		Secret  string `json:"secret"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, data.Errorf(data.EINVALID, "非税平台配置文件 %s 格式不正确：%w", path, err)
	}
	u, err := url.Parse(cfg.BaseURL)
	switch {
	case cfg.BaseURL == "" || cfg.AppID == "" || cfg.Secret == "":
		return nil, data.Errorf(data.EINVALID, "非税平台配置文件 %s 应填写 base_url、app_id 和 secret", path)
	case err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))):
		return nil, data.Errorf(data.EINVALID, "非税平台地址“%s”应以 https:// 开头", cfg.BaseURL)
	}
	return &Client{BaseURL: cfg.BaseURL, AppID: cfg.AppID, Secret: []byte(cfg.Secret)}, nil
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
