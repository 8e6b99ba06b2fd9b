package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
)

// Aliyun sends through Alibaba Cloud SMS (dysmsapi, API version
// 2017-05-25): the RPC-style SendSms, signed with HMAC-SHA1 (signature
// version 1.0) and posted as a form. Only registered templates are sent:
// Templates maps a message key (bureau_pass, liaison_return/unit, …) to its
// template code (SMS_…), and the message's Params go as TemplateParam.
//
// OutId carries the message's dedupe key so a delivery receipt can be traced
// to it; Alibaba Cloud does not drop a repeat by it.
type Aliyun struct {
	Endpoint        string // default https://dysmsapi.aliyuncs.com/
	Region          string // RegionId, default cn-hangzhou
	AccessKeyID     string
	AccessKeySecret string
	SignName        string // the registered signature, e.g. 某某市人力资源和社会保障局
	Templates       map[string]string
	Client          *http.Client

	// Now and Nonce are the clock and SignatureNonce, for tests; by
	// default the time and a random UUID.
	Now   func() time.Time
	Nonce func() string
}

const aliyunEndpoint = "https://dysmsapi.aliyuncs.com/"

func (a *Aliyun) Name() string { return "aliyun" }

// aliyunAnswer is SendSms's JSON answer, on success and on error alike.
type aliyunAnswer struct {
	Code      string
	Message   string
	BizId     string
	RequestId string
}

func (a *Aliyun) Send(ctx context.Context, m data.SMS) error {
	tmpl, err := templateFor("阿里云", a.Templates, m)
	if err != nil {
		return err
	}
	params := map[string]string{
		"AccessKeyId":      a.AccessKeyID,
		"Action":           "SendSms",
		"Format":           "JSON",
		"RegionId":         cmpOr(a.Region, "cn-hangzhou"),
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureNonce":   a.nonce(),
		"SignatureVersion": "1.0",
		"Timestamp":        a.now().UTC().Format("2006-01-02T15:04:05Z"),
		"Version":          "2017-05-25",
		"PhoneNumbers":     strings.TrimSpace(m.Mobile),
		"SignName":         a.SignName,
		"TemplateCode":     tmpl,
	}
	if len(m.Params) > 0 {
		tp, err := templateParamJSON(m.Params)
		if err != nil {
			return err
		}
		params["TemplateParam"] = tp
	}
	if m.DedupeKey != "" {
		params["OutId"] = m.DedupeKey
	}
	query := aliyunCanonicalQuery(params)
	body := query + "&Signature=" + aliyunPercentEncode(aliyunSign(http.MethodPost, query, a.AccessKeySecret))

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cmpOr(a.Endpoint, aliyunEndpoint), strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	status, answer, err := post(ctx, a.Client, req)
	if err != nil {
		return fmt.Errorf("aliyun SendSms: %w", err)
	}
	var ans aliyunAnswer
	if err := json.Unmarshal(answer, &ans); err != nil || ans.Code == "" {
		return fmt.Errorf("aliyun SendSms: HTTP %d: %s", status, snippet(answer))
	}
	if status != http.StatusOK || ans.Code != "OK" {
		return &ServiceError{Provider: "aliyun", Status: status, Code: ans.Code, Message: ans.Message, RequestID: ans.RequestId}
	}
	return nil
}

func (a *Aliyun) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Aliyun) nonce() string {
	if a.Nonce != nil {
		return a.Nonce()
	}
	return uuid.NewString()
}

// templateParamJSON is TemplateParam: a JSON object of the params by name,
// in the template's order. A name given twice with different values is an
// error: the template could show only one of them.
func templateParamJSON(ps []data.SMSParam) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	seen := map[string]string{}
	b.WriteByte('{')
	for _, p := range ps {
		if v, ok := seen[p.Name]; ok {
			if v != p.Value {
				return "", data.Errorf(data.EINVALID, "短信参数 %s 出现两次且取值不同（%q、%q）", p.Name, v, p.Value)
			}
			continue
		}
		if len(seen) > 0 {
			b.WriteByte(',')
		}
		seen[p.Name] = p.Value
		enc.Encode(p.Name) // strings always encode
		b.Truncate(b.Len() - 1)
		b.WriteByte(':')
		enc.Encode(p.Value)
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.String(), nil
}

// aliyunPercentEncode encodes s as the RPC signature's rules say: UTF-8,
// then every byte but A–Z, a–z, 0–9, '-', '_', '.' and '~' as %XY with
// upper-case hex (so a space is %20 and '*' is %2A, never '+' or '*').
func aliyunPercentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// aliyunCanonicalQuery is the canonicalized query string: every parameter
// but Signature, sorted by name, each name and value percent-encoded and
// joined as name=value with '&'.
func aliyunCanonicalQuery(params map[string]string) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = aliyunPercentEncode(k) + "=" + aliyunPercentEncode(params[k])
	}
	return strings.Join(parts, "&")
}

// aliyunSign is the Signature: Base64(HMAC-SHA1(AccessKeySecret + "&",
// HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(query))).
func aliyunSign(method, canonicalQuery, secret string) string {
	stringToSign := method + "&" + aliyunPercentEncode("/") + "&" + aliyunPercentEncode(canonicalQuery)
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func cmpOr(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}
