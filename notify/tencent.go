package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"titledesk/data"
)

// Tencent sends through Tencent Cloud SMS, API 3.0 SendSms (version
// 2021-01-11), signed with TC3-HMAC-SHA256. Only registered templates are
// sent: Templates maps a message key to its template ID, and the message's
// Params go as TemplateParamSet, in order ({1}, {2}, … of the template).
//
// SessionContext carries the message's dedupe key so a delivery receipt can
// be traced to it; Tencent Cloud does not drop a repeat by it.
type Tencent struct {
	Endpoint  string // default https://sms.tencentcloudapi.com/
	Region    string // X-TC-Region, default ap-guangzhou
	SecretID  string
	SecretKey string
	SdkAppID  string // the SMS application's SdkAppId, 1400…
	SignName  string
	Templates map[string]string
	Client    *http.Client

	// Now is the clock, for tests; by default the time.
	Now func() time.Time
}

const (
	tencentEndpoint = "https://sms.tencentcloudapi.com/"
	tencentVersion  = "2021-01-11"
	tencentService  = "sms"
	tencentJSON     = "application/json; charset=utf-8"
)

func (t *Tencent) Name() string { return "tencent" }

type tencentRequest struct {
	PhoneNumberSet   []string
	SmsSdkAppId      string
	SignName         string
	TemplateId       string
	TemplateParamSet []string `json:",omitempty"`
	SessionContext   string   `json:",omitempty"`
}

type tencentAnswer struct {
	Response struct {
		Error *struct {
			Code    string
			Message string
		}
		SendStatusSet []struct {
			SerialNo       string
			PhoneNumber    string
			Code           string
			Message        string
			SessionContext string
		}
		RequestId string
	}
}

func (t *Tencent) Send(ctx context.Context, m data.SMS) error {
	tmpl, err := templateFor("腾讯云", t.Templates, m)
	if err != nil {
		return err
	}
	r := tencentRequest{
		PhoneNumberSet: []string{e164(m.Mobile)},
		SmsSdkAppId:    t.SdkAppID,
		SignName:       t.SignName,
		TemplateId:     tmpl,
		SessionContext: m.DedupeKey,
	}
	for _, p := range m.Params {
		r.TemplateParamSet = append(r.TemplateParamSet, p.Value)
	}
	var payload bytes.Buffer
	enc := json.NewEncoder(&payload)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	body := bytes.TrimSuffix(payload.Bytes(), []byte("\n"))

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cmpOr(t.Endpoint, tencentEndpoint), bytes.NewReader(body))
	if err != nil {
		return err
	}
	now := t.now()
	region := cmpOr(t.Region, "ap-guangzhou")
	req.Header.Set("Content-Type", tencentJSON)
	req.Header.Set("X-TC-Action", "SendSms")
	req.Header.Set("X-TC-Version", tencentVersion)
	req.Header.Set("X-TC-Region", region)
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("X-TC-Language", "zh-CN")
	req.Header.Set("Authorization", tc3Authorization(t.SecretID, t.SecretKey, req.URL.Host, tencentService, now, body))

	status, answer, err := post(ctx, t.Client, req)
	if err != nil {
		return fmt.Errorf("tencent SendSms: %w", err)
	}
	var ans tencentAnswer
	if err := json.Unmarshal(answer, &ans); err != nil {
		return fmt.Errorf("tencent SendSms: HTTP %d: %s", status, snippet(answer))
	}
	res := ans.Response
	if e := res.Error; e != nil {
		return &ServiceError{Provider: "tencent", Status: status, Code: e.Code, Message: e.Message, RequestID: res.RequestId}
	}
	if len(res.SendStatusSet) == 0 {
		return fmt.Errorf("tencent SendSms: HTTP %d, no SendStatusSet: %s", status, snippet(answer))
	}
	if s := res.SendStatusSet[0]; s.Code != "Ok" {
		return &ServiceError{Provider: "tencent", Status: status, Code: s.Code, Message: s.Message, RequestID: res.RequestId}
	}
	if status != http.StatusOK {
		return fmt.Errorf("tencent SendSms: HTTP %d: %s", status, snippet(answer))
	}
	return nil
}

func (t *Tencent) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// e164 is a mainland mobile number with its country code, as
// PhoneNumberSet wants it: 13800000000 → +8613800000000. A number that
// already has a '+' is kept.
func e164(mobile string) string {
	mobile = strings.TrimSpace(mobile)
	if strings.HasPrefix(mobile, "+") {
		return mobile
	}
	return "+86" + mobile
}

// tc3Authorization is the Authorization header of API 3.0 for a POST of a
// JSON payload to host, signing the content-type and host headers.
func tc3Authorization(secretID, secretKey, host, service string, now time.Time, payload []byte) string {
	const signedHeaders = "content-type;host"
	timestamp := strconv.FormatInt(now.Unix(), 10)
	date := now.UTC().Format("2006-01-02") // from the timestamp, in UTC
	payloadHash := sha256.Sum256(payload)
	canonicalRequest := "POST\n" +
		"/\n" +
		"\n" + // no query string in a POST
		"content-type:" + tencentJSON + "\n" + "host:" + strings.ToLower(host) + "\n" +
		"\n" +
		signedHeaders + "\n" +
		hex.EncodeToString(payloadHash[:])
	scope := date + "/" + service + "/tc3_request"
	crHash := sha256.Sum256([]byte(canonicalRequest))
	stringToSign := "TC3-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])

	secretDate := hmacSHA256([]byte("TC3"+secretKey), date)
	secretService := hmacSHA256(secretDate, service)
	secretSigning := hmacSHA256(secretService, "tc3_request")
	signature := hex.EncodeToString(hmacSHA256(secretSigning, stringToSign))
	return "TC3-HMAC-SHA256 Credential=" + secretID + "/" + scope + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature
}

func hmacSHA256(key []byte, msg string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msg))
	return mac.Sum(nil)
}
