package notify

// The adapters are checked against local HTTPS servers that play Alibaba
// Cloud's and Tencent Cloud's SMS APIs: each verifies the signature the way
// the service's documentation describes it, written here on its own (it
// calls nothing of the client's signing code), checks every parameter and
// answers as the service does. The client's signing functions are also
// checked against the worked examples printed in the documentation.

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"titledesk/data"
)

// The message every test sends: the bureau returned an application, with
// reasons in Chinese, full-width punctuation and characters the signature's
// percent-encoding treats specially (space, *, ~, +, &, =, %).
var (
	reasons = "学历证书扫描件不清晰；论文未加盖单位公章（第３页），请补交Ａ４原件"
	testSMS = data.SMS{
		ID: 7, DedupeKey: "cmd-9f2c41/sms/applicant", Template: "liaison_return.applicant/applicant",
		Mobile: "13800138000", Text: "【某某市人社局】您的申报 2026000123 被退回：…",
		Params: []data.SMSParam{
			{Name: "no", Value: "2026000123"},
			{Name: "reasons", Value: reasons},
			{Name: "point", Value: "东莞市电力行业协会 (南城) *~+&=100%"},
		},
	}
	signName = "某某市人社局"
)

// ----- Alibaba Cloud SMS, as documented -----

// fakeAliyun plays dysmsapi.aliyuncs.com: RPC-style SendSms, signature
// version 1.0 with HMAC-SHA1.
type fakeAliyun struct {
	secrets   map[string]string   // AccessKeyId → AccessKeySecret
	templates map[string][]string // template code → its variables
	limited   map[string]bool     // numbers over their flow control
	now       func() time.Time

	mu       sync.Mutex
	nonces   map[string]bool
	requests []url.Values // the requests it accepted and answered
	calls    int
}

func newFakeAliyun(t *testing.T) (*fakeAliyun, *httptest.Server) {
	s := &fakeAliyun{
		secrets:   map[string]string{"LTAI5tTestKeyId": "TestSecret/+=~*"},
		templates: map[string][]string{"SMS_465001": {"no", "reasons", "point"}, "SMS_465002": {"no"}},
		limited:   map[string]bool{},
		now:       time.Now,
		nonces:    map[string]bool{},
	}
	srv := httptest.NewTLSServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// aliyunEncode is the documentation's recipe: URL-encode as a form does,
// then '+' → %20, '*' → %2A and %7E → '~'.
func aliyunEncode(s string) string {
	s = url.QueryEscape(s)
	s = strings.ReplaceAll(s, "+", "%20")
	s = strings.ReplaceAll(s, "*", "%2A")
	return strings.ReplaceAll(s, "%7E", "~")
}

func (s *fakeAliyun) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	answer := func(status int, code, msg string) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"RequestId": "A5C1-" + strconv.Itoa(s.calls), "Code": code, "Message": msg})
	}
	if r.URL.Path != "/" || (r.Method != http.MethodPost && r.Method != http.MethodGet) {
		answer(404, "InvalidAction.NotFound", "Specified api is not found")
		return
	}
	if err := r.ParseForm(); err != nil {
		answer(400, "InvalidParameter", err.Error())
		return
	}
	p := map[string]string{}
	for k, vs := range r.Form { // query and form body alike
		if len(vs) != 1 {
			answer(400, "InvalidParameter", k+" given more than once")
			return
		}
		p[k] = vs[0]
	}
	for _, k := range []string{"AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod", "SignatureNonce",
		"SignatureVersion", "Timestamp", "Version", "Signature", "PhoneNumbers", "SignName", "TemplateCode"} {
		if p[k] == "" {
			answer(400, "MissingParameter", "The input parameter \""+k+"\" that is mandatory for processing this request is not supplied.")
			return
		}
	}
	for k, want := range map[string]string{"Action": "SendSms", "Version": "2017-05-25", "Format": "JSON",
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "RegionId": "cn-hangzhou"} {
		if p[k] != want {
			answer(400, "InvalidParameter", fmt.Sprintf("%s is %q, not %q", k, p[k], want))
			return
		}
	}
	secret, ok := s.secrets[p["AccessKeyId"]]
	if !ok {
		answer(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
		return
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", p["Timestamp"])
	if err != nil {
		answer(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
		return
	}
	if d := s.now().Sub(ts); d > 15*time.Minute || d < -15*time.Minute {
		answer(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
		return
	}
	// Signature: the parameters but Signature sorted by name, encoded,
	// joined; StringToSign = method & encode("/") & encode(that);
	// Base64(HMAC-SHA1(secret + "&", StringToSign)).
	names := make([]string, 0, len(p))
	for k := range p {
		if k != "Signature" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var pairs []string
	for _, k := range names {
		pairs = append(pairs, aliyunEncode(k)+"="+aliyunEncode(p[k]))
	}
	toSign := r.Method + "&" + aliyunEncode("/") + "&" + aliyunEncode(strings.Join(pairs, "&"))
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(toSign))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(want), []byte(p["Signature"])) {
		answer(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:"+toSign)
		return
	}
	if s.nonces[p["SignatureNonce"]] {
		answer(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
		return
	}
	s.nonces[p["SignatureNonce"]] = true

	// The business checks, answered with HTTP 200 as the service does.
	if !regexp.MustCompile(`^1\d{10}$`).MatchString(p["PhoneNumbers"]) {
		answer(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
		return
	}
	if p["SignName"] != signName {
		answer(200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
		return
	}
	vars, ok := s.templates[p["TemplateCode"]]
	if !ok {
		answer(200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
		return
	}
	var tp map[string]string
	if err := json.Unmarshal([]byte(p["TemplateParam"]), &tp); err != nil {
		answer(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
		return
	}
	for _, v := range vars {
		if _, ok := tp[v]; !ok {
			answer(200, "isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量")
			return
		}
	}
	if s.limited[p["PhoneNumbers"]] {
		answer(200, "isv.BUSINESS_LIMIT_CONTROL", "触发号码天级流控Permits:40")
		return
	}
	s.requests = append(s.requests, r.Form)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	json.NewEncoder(w).Encode(map[string]string{"Code": "OK", "Message": "OK", "BizId": "9006197469364984^0", "RequestId": "F655A8D5-" + strconv.Itoa(s.calls)})
}

func (s *fakeAliyun) accepted() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *fakeAliyun) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func aliyunFor(srv *httptest.Server) *Aliyun {
	return &Aliyun{
		Endpoint: srv.URL + "/", AccessKeyID: "LTAI5tTestKeyId", AccessKeySecret: "TestSecret/+=~*",
		SignName: signName, Client: srv.Client(),
		Templates: map[string]string{"liaison_return.applicant/applicant": "SMS_465001", "bureau_pass": "SMS_465002"},
	}
}

// TestAliyunSignatureDocumentedExamples: the client's signing gives the
// signatures of the worked examples in Alibaba Cloud's documentation (the
// SMS one, whose sign name is Chinese, and the RPC one).
func TestAliyunSignatureDocumentedExamples(t *testing.T) {
	sms := map[string]string{
		"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
		"PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
		"SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
		"SignatureVersion": "1.0", "TemplateCode": "SMS_71390007", "TemplateParam": `{"customer":"test"}`,
		"Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
	}
	if got := aliyunSign("GET", aliyunCanonicalQuery(sms), "testSecret"); got != "zJDF+Lrzhj/ThnlvIToysFRq6t4=" {
		t.Errorf("SendSms example: %s", got)
	}
	const wantQuery = "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou" +
		"&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1" +
		"&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007" +
		"&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25"
	if got := aliyunCanonicalQuery(sms); got != wantQuery {
		t.Errorf("canonical query:\n%s\nwant\n%s", got, wantQuery)
	}
	rpc := map[string]string{
		"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
		"SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
		"Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
	}
	if got := aliyunSign("GET", aliyunCanonicalQuery(rpc), "testsecret"); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Errorf("RPC example: %s", got)
	}
	for in, want := range map[string]string{"a b": "a%20b", "*": "%2A", "~-_.": "~-_.", "/=&+%": "%2F%3D%26%2B%25", "；": "%EF%BC%9B"} {
		if got := aliyunPercentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAliyunSend(t *testing.T) {
	svc, srv := newFakeAliyun(t)
	a := aliyunFor(srv)
	ctx := context.Background()
	if err := a.Send(ctx, testSMS); err != nil {
		t.Fatal(err)
	}
	// A retry of the same message is signed afresh with a new nonce.
	if err := a.Send(ctx, testSMS); err != nil {
		t.Fatalf("resend: %v", err)
	}
	got := svc.accepted()
	if len(got) != 2 {
		t.Fatalf("%d requests accepted", len(got))
	}
	r := got[0]
	if r.Get("PhoneNumbers") != "13800138000" || r.Get("SignName") != signName || r.Get("TemplateCode") != "SMS_465001" {
		t.Errorf("sent %v", r)
	}
	if r.Get("OutId") != testSMS.DedupeKey {
		t.Errorf("OutId %q, want the dedupe key", r.Get("OutId"))
	}
	var tp map[string]string
	if err := json.Unmarshal([]byte(r.Get("TemplateParam")), &tp); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"no": "2026000123", "reasons": reasons, "point": "东莞市电力行业协会 (南城) *~+&=100%"}
	if fmt.Sprint(tp) != fmt.Sprint(want) {
		t.Errorf("TemplateParam %v, want %v", tp, want)
	}
	if r.Get("SignatureNonce") == got[1].Get("SignatureNonce") {
		t.Error("the resend reused the nonce")
	}
	if strings.Contains(r.Get("TemplateParam"), "Text") || r.Get("Text") != "" {
		t.Error("free text went out")
	}
}

// TestAliyunSignsTheMethod: the client's POST turned on the way into a GET
// with the same parameters is refused, for the method is part of what is
// signed.
func TestAliyunSignsTheMethod(t *testing.T) {
	_, srv := newFakeAliyun(t)
	a := aliyunFor(srv)
	a.Client = &http.Client{Transport: rewrite{srv.Client().Transport, func(r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Method, r.Body, r.ContentLength = http.MethodGet, http.NoBody, 0
		r.URL.RawQuery = string(b)
	}}}
	var se *ServiceError
	if err := a.Send(context.Background(), testSMS); !errors.As(err, &se) || se.Code != "SignatureDoesNotMatch" {
		t.Errorf("a POST's signature on a GET: %v", err)
	}
}

type rewrite struct {
	rt http.RoundTripper
	f  func(*http.Request)
}

func (w rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	w.f(r)
	return w.rt.RoundTrip(r)
}

func TestAliyunErrors(t *testing.T) {
	svc, srv := newFakeAliyun(t)
	ctx := context.Background()

	wrong := aliyunFor(srv)
	wrong.AccessKeySecret = "TestSecret/+=~"
	err := wrong.Send(ctx, testSMS)
	var se *ServiceError
	if !errors.As(err, &se) || se.Code != "SignatureDoesNotMatch" || se.Status != 400 || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Errorf("wrong secret: %v", err)
	}

	calls := svc.callCount()
	m := testSMS
	m.Template = "liaison_return/unit"
	err = aliyunFor(srv).Send(ctx, m)
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(err.Error(), "liaison_return/unit") {
		t.Errorf("unregistered template: %v", err)
	}
	if svc.callCount() != calls {
		t.Error("a message without a template reached the service")
	}

	svc.limited["13800138000"] = true
	err = aliyunFor(srv).Send(ctx, testSMS)
	if !errors.As(err, &se) || se.Code != "isv.BUSINESS_LIMIT_CONTROL" || !strings.Contains(err.Error(), "触发号码天级流控") {
		t.Errorf("flow control: %v", err)
	}
	m = testSMS
	m.Mobile = "1380013800"
	if err := aliyunFor(srv).Send(ctx, m); !errors.As(err, &se) || se.Code != "isv.MOBILE_NUMBER_ILLEGAL" {
		t.Errorf("bad number: %v", err)
	}

	stale := aliyunFor(srv)
	stale.Now = func() time.Time { return time.Now().Add(-20 * time.Minute) }
	if err := stale.Send(ctx, testSMS); !errors.As(err, &se) || se.Code != "InvalidTimeStamp.Expired" {
		t.Errorf("a clock 20 minutes slow: %v", err)
	}

	same := aliyunFor(srv)
	same.Nonce = func() string { return "fixed-nonce" }
	delete(svc.limited, "13800138000")
	if err := same.Send(ctx, testSMS); err != nil {
		t.Fatal(err)
	}
	if err := same.Send(ctx, testSMS); !errors.As(err, &se) || se.Code != "SignatureNonceUsed" {
		t.Errorf("a reused nonce: %v", err)
	}

	m = testSMS
	m.Params = append(slices.Clone(m.Params), data.SMSParam{Name: "no", Value: "2026000999"})
	if err := aliyunFor(srv).Send(ctx, m); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("one name, two values: %v", err)
	}
}

// ----- Tencent Cloud SMS, as documented -----

// fakeTencent plays sms.tencentcloudapi.com: API 3.0 with
// TC3-HMAC-SHA256.
type fakeTencent struct {
	secrets   map[string]string // SecretId → SecretKey
	apps      map[string]bool   // SdkAppId
	templates map[string]int    // TemplateId → how many variables
	limited   map[string]bool
	now       func() time.Time

	mu       sync.Mutex
	requests []tencentReceived
	calls    int
}

type tencentReceived struct {
	Header http.Header
	Body   struct {
		PhoneNumberSet   []string
		SmsSdkAppId      string
		SignName         string
		TemplateId       string
		TemplateParamSet []string
		SessionContext   string
		ExtendCode       string
		SenderId         string
	}
}

func newFakeTencent(t *testing.T) (*fakeTencent, *httptest.Server) {
	s := &fakeTencent{
		secrets:   map[string]string{"AKIDTestSecretId": "TestSecretKey"},
		apps:      map[string]bool{"1400006666": true},
		templates: map[string]int{"2085001": 3, "2085002": 1},
		limited:   map[string]bool{},
		now:       time.Now,
	}
	srv := httptest.NewTLSServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func tc3HMAC(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func (s *fakeTencent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	reqID := fmt.Sprintf("a0b1c2d3-%04d", s.calls)
	fail := func(code, msg string) {
		json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
			"Error": map[string]string{"Code": code, "Message": msg}, "RequestId": reqID}})
	}
	w.Header().Set("Content-Type", "application/json")
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.URL.Path != "/" || r.URL.RawQuery != "" {
		fail("UnsupportedOperation", "only POST / is played here")
		return
	}
	if r.Header.Get("X-TC-Action") != "SendSms" {
		fail("InvalidAction", "action "+r.Header.Get("X-TC-Action"))
		return
	}
	if r.Header.Get("X-TC-Version") != "2021-01-11" {
		fail("NoSuchVersion", "version "+r.Header.Get("X-TC-Version"))
		return
	}
	if r.Header.Get("X-TC-Region") == "" {
		fail("MissingParameter", "X-TC-Region")
		return
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		fail("InvalidParameter", "X-TC-Timestamp")
		return
	}
	// Authorization: TC3-HMAC-SHA256 Credential=ID/date/service/tc3_request,
	// SignedHeaders=…, Signature=…
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "TC3-HMAC-SHA256 ")
	if !ok {
		fail("AuthFailure.InvalidAuthorization", "Authorization is not TC3-HMAC-SHA256")
		return
	}
	f := map[string]string{}
	for _, kv := range strings.Split(auth, ", ") {
		k, v, _ := strings.Cut(kv, "=")
		f[k] = v
	}
	cred := strings.Split(f["Credential"], "/")
	if len(cred) != 4 || cred[3] != "tc3_request" || f["SignedHeaders"] == "" || f["Signature"] == "" {
		fail("AuthFailure.InvalidAuthorization", "Authorization "+auth)
		return
	}
	key, ok := s.secrets[cred[0]]
	if !ok {
		fail("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
		return
	}
	if cred[2] != "sms" || cred[1] != time.Unix(ts, 0).UTC().Format("2006-01-02") {
		fail("AuthFailure.InvalidAuthorization", "credential scope "+f["Credential"])
		return
	}
	if d := s.now().Unix() - ts; d > 300 || d < -300 {
		fail("AuthFailure.SignatureExpire", "Signature expired. Timestamp is "+strconv.FormatInt(ts, 10))
		return
	}
	signed := strings.Split(f["SignedHeaders"], ";")
	if !slices.Contains(signed, "content-type") || !slices.Contains(signed, "host") || !slices.IsSorted(signed) {
		fail("AuthFailure.InvalidAuthorization", "SignedHeaders "+f["SignedHeaders"])
		return
	}
	var headers strings.Builder
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers.WriteString(h + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n")
	}
	payload := sha256.Sum256(body)
	canonical := strings.Join([]string{"POST", "/", "", headers.String(), f["SignedHeaders"], hex.EncodeToString(payload[:])}, "\n")
	crHash := sha256.Sum256([]byte(canonical))
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + cred[1] + "/" + cred[2] + "/tc3_request\n" + hex.EncodeToString(crHash[:])
	k := tc3HMAC(tc3HMAC(tc3HMAC([]byte("TC3"+key), cred[1]), cred[2]), "tc3_request")
	if want := hex.EncodeToString(tc3HMAC(k, toSign)); !hmac.Equal([]byte(want), []byte(f["Signature"])) {
		fail("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" && ct != "application/json" {
		fail("InvalidParameter", "Content-Type "+ct)
		return
	}

	var got tencentReceived
	got.Header = r.Header.Clone()
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got.Body); err != nil {
		fail("InvalidParameter", err.Error())
		return
	}
	b := got.Body
	switch {
	case len(b.PhoneNumberSet) == 0 || b.SmsSdkAppId == "" || b.TemplateId == "":
		fail("MissingParameter", "PhoneNumberSet, SmsSdkAppId and TemplateId are required")
		return
	case !s.apps[b.SmsSdkAppId]:
		fail("FailedOperation.SdkAppIdNotExist", "SdkAppId 不存在")
		return
	case b.SignName != signName:
		fail("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误")
		return
	}
	n, ok := s.templates[b.TemplateId]
	if !ok {
		fail("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配")
		return
	}
	if len(b.TemplateParamSet) != n {
		fail("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", "请求内容与审核通过的模板内容不匹配")
		return
	}
	var set []map[string]any
	for _, ph := range b.PhoneNumberSet {
		st := map[string]any{"SerialNo": "2028:" + strconv.Itoa(s.calls), "PhoneNumber": ph, "Fee": 1,
			"SessionContext": b.SessionContext, "Code": "Ok", "Message": "send success", "IsoCode": "CN"}
		switch {
		case !regexp.MustCompile(`^\+861\d{10}$`).MatchString(ph):
			st["Code"], st["Message"], st["Fee"] = "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误", 0
		case s.limited[ph]:
			st["Code"], st["Message"], st["Fee"] = "LimitExceeded.PhoneNumberDailyLimit", "单个手机号日下发短信条数超过设定的上限", 0
		}
		set = append(set, st)
	}
	s.requests = append(s.requests, got)
	json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"SendStatusSet": set, "RequestId": reqID}})
}

func (s *fakeTencent) accepted() []tencentReceived {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *fakeTencent) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func tencentFor(srv *httptest.Server) *Tencent {
	return &Tencent{
		Endpoint: srv.URL + "/", Region: "ap-guangzhou", SecretID: "AKIDTestSecretId", SecretKey: "TestSecretKey",
		SdkAppID: "1400006666", SignName: signName, Client: srv.Client(),
		Templates: map[string]string{"liaison_return.applicant/applicant": "2085001", "bureau_pass": "2085002"},
	}
}

// TestTencentSignatureDocumentedExample: the client's signing gives the
// signature of the worked example in Tencent Cloud's documentation.
func TestTencentSignatureDocumentedExample(t *testing.T) {
	payload := `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
	got := tc3Authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
		"cvm.tencentcloudapi.com", "cvm", time.Unix(1551113065, 0), []byte(payload))
	want := "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, " +
		"SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestTencentSend(t *testing.T) {
	svc, srv := newFakeTencent(t)
	tc := tencentFor(srv)
	// 00:30 in Shanghai is still the day before in UTC: the credential's
	// date must be the UTC one.
	at := time.Date(2026, 3, 1, 0, 30, 0, 0, data.Shanghai)
	tc.Now = func() time.Time { return at }
	svc.now = tc.Now
	if err := tc.Send(context.Background(), testSMS); err != nil {
		t.Fatal(err)
	}
	got := svc.accepted()
	if len(got) != 1 {
		t.Fatalf("%d requests accepted", len(got))
	}
	b := got[0].Body
	if !slices.Equal(b.PhoneNumberSet, []string{"+8613800138000"}) || b.SmsSdkAppId != "1400006666" || b.SignName != signName || b.TemplateId != "2085001" {
		t.Errorf("sent %+v", b)
	}
	if !slices.Equal(b.TemplateParamSet, []string{"2026000123", reasons, "东莞市电力行业协会 (南城) *~+&=100%"}) {
		t.Errorf("TemplateParamSet %q", b.TemplateParamSet)
	}
	if b.SessionContext != testSMS.DedupeKey {
		t.Errorf("SessionContext %q, want the dedupe key", b.SessionContext)
	}
	h := got[0].Header
	if h.Get("X-TC-Timestamp") != strconv.FormatInt(at.Unix(), 10) || h.Get("X-TC-Region") != "ap-guangzhou" ||
		!strings.Contains(h.Get("Authorization"), "/2026-02-28/sms/tc3_request") {
		t.Errorf("headers %v", h)
	}
}

func TestTencentErrors(t *testing.T) {
	svc, srv := newFakeTencent(t)
	ctx := context.Background()
	var se *ServiceError

	wrong := tencentFor(srv)
	wrong.SecretKey = "TestSecretKeY"
	err := wrong.Send(ctx, testSMS)
	if !errors.As(err, &se) || se.Code != "AuthFailure.SignatureFailure" || !strings.Contains(err.Error(), "AuthFailure.SignatureFailure") || se.RequestID == "" {
		t.Errorf("wrong secret: %v", err)
	}

	calls := svc.callCount()
	m := testSMS
	m.Template = "liaison_return/unit"
	err = tencentFor(srv).Send(ctx, m)
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(err.Error(), "liaison_return/unit") {
		t.Errorf("unregistered template: %v", err)
	}
	if svc.callCount() != calls {
		t.Error("a message without a template reached the service")
	}

	svc.limited["+8613800138000"] = true
	err = tencentFor(srv).Send(ctx, testSMS)
	if !errors.As(err, &se) || se.Code != "LimitExceeded.PhoneNumberDailyLimit" || !strings.Contains(err.Error(), "日下发短信条数") {
		t.Errorf("daily limit: %v", err)
	}

	m = testSMS
	m.Params = m.Params[:2]
	if err := tencentFor(srv).Send(ctx, m); !errors.As(err, &se) || se.Code != "FailedOperation.TemplateParamSetNotMatchApprovedTemplate" {
		t.Errorf("a parameter short: %v", err)
	}

	stale := tencentFor(srv)
	stale.Now = func() time.Time { return time.Now().Add(-10 * time.Minute) }
	if err := stale.Send(ctx, testSMS); !errors.As(err, &se) || se.Code != "AuthFailure.SignatureExpire" {
		t.Errorf("a clock 10 minutes slow: %v", err)
	}

	// The payload is signed: a body changed on the way is refused.
	tampered := tencentFor(srv)
	tampered.Client = &http.Client{Transport: rewrite{srv.Client().Transport, func(r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		b = []byte(strings.Replace(string(b), "13800138000", "13900139000", 1))
		r.Body, r.ContentLength = io.NopCloser(strings.NewReader(string(b))), int64(len(b))
	}}}
	if err := tampered.Send(ctx, testSMS); !errors.As(err, &se) || se.Code != "AuthFailure.SignatureFailure" {
		t.Errorf("a changed body: %v", err)
	}
}

// ----- the Deliverer through each adapter -----

// memQueue is a Queue in memory that notes every attempt.
type memQueue struct {
	mu    sync.Mutex
	msgs  []data.SMS
	sent  map[int64]bool
	tries map[int64][]error
}

func (q *memQueue) PendingSMS(_ context.Context, _ time.Time, limit int) ([]data.SMS, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []data.SMS
	for _, m := range q.msgs {
		if !q.sent[m.ID] && len(out) < limit {
			out = append(out, m)
		}
	}
	return out, nil
}

func (q *memQueue) MarkSMS(_ context.Context, id int64, sendErr error, _, _ time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tries[id] = append(q.tries[id], sendErr)
	if sendErr == nil {
		q.sent[id] = true
	}
	return nil
}

func TestDelivererThroughCloudProviders(t *testing.T) {
	pass := data.SMS{ID: 8, DedupeKey: "cmd-77aa/sms/applicant", Template: "bureau_pass", Mobile: "13900139000",
		Params: []data.SMSParam{{Name: "no", Value: "2026000124"}}}
	unit := data.SMS{ID: 9, DedupeKey: "cmd-77ab/sms/unit", Template: "liaison_return/unit", Mobile: "13700137000",
		Params: []data.SMSParam{{Name: "no", Value: "2026000125"}}}
	aliSvc, aliSrv := newFakeAliyun(t)
	tcSvc, tcSrv := newFakeTencent(t)
	for _, p := range []Provider{aliyunFor(aliSrv), tencentFor(tcSrv)} {
		t.Run(p.Name(), func(t *testing.T) {
			q := &memQueue{msgs: []data.SMS{testSMS, pass, unit}, sent: map[int64]bool{}, tries: map[int64][]error{}}
			d := &Deliverer{Queue: q, Provider: p}
			n, err := d.DeliverDue(context.Background())
			if n != 2 || err != nil {
				t.Fatalf("delivered %d: %v", n, err)
			}
			if !q.sent[7] || !q.sent[8] || q.sent[9] {
				t.Errorf("sent %v", q.sent)
			}
			if e := q.tries[9]; len(e) != 1 || !strings.Contains(e[0].Error(), "liaison_return/unit") {
				t.Errorf("the unit's message without a template: %v", e)
			}
		})
	}
	if got := aliSvc.accepted(); len(got) != 2 || got[1].Get("OutId") != pass.DedupeKey || got[1].Get("TemplateParam") != `{"no":"2026000124"}` {
		t.Errorf("aliyun got %v", got)
	}
	if got := tcSvc.accepted(); len(got) != 2 || got[1].Body.SessionContext != pass.DedupeKey || got[1].Body.TemplateId != "2085002" {
		t.Errorf("tencent got %+v", got)
	}
}
