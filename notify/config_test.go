package notify

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"titledesk/data"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sms.json")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadProviderSends: a configuration file read by LoadProvider gives
// an adapter that the documented services accept, its secret taken from
// the environment.
func TestLoadProviderSends(t *testing.T) {
	aliSvc, aliSrv := newFakeAliyun(t)
	tcSvc, tcSrv := newFakeTencent(t)

	t.Setenv(SecretEnv, "TestSecret/+=~*")
	p, err := LoadProvider(writeConfig(t, `{
		"provider": "aliyun", "endpoint": "`+aliSrv.URL+`/", "access_key_id": "LTAI5tTestKeyId",
		"sign_name": "某某市人社局",
		"templates": `+allTemplates("SMS_46500", "SMS_465001")+`}`))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := p.(*Aliyun)
	if !ok || a.AccessKeySecret != "TestSecret/+=~*" || a.Templates["bureau_pass/applicant"] != "SMS_46500bureau_pass/applicant" {
		t.Fatalf("loaded %#v", p)
	}
	a.Client = aliSrv.Client()
	if err := p.Send(context.Background(), testSMS); err != nil || len(aliSvc.accepted()) != 1 {
		t.Errorf("aliyun from its file: %v", err)
	}

	t.Setenv(SecretEnv, "")
	p, err = LoadProvider(writeConfig(t, `{
		"provider": "tencent", "endpoint": "`+tcSrv.URL+`/", "secret_id": "AKIDTestSecretId", "secret_key": "TestSecretKey",
		"sdk_app_id": "1400006666", "sign_name": "某某市人社局", "region": "ap-beijing",
		"templates": `+allTemplates("20850", "2085001")+`}`))
	if err != nil {
		t.Fatal(err)
	}
	tc, ok := p.(*Tencent)
	if !ok || tc.Region != "ap-beijing" || tc.SecretKey != "TestSecretKey" {
		t.Fatalf("loaded %#v", p)
	}
	tc.Client = tcSrv.Client()
	if err := p.Send(context.Background(), testSMS); err != nil || len(tcSvc.accepted()) != 1 {
		t.Errorf("tencent from its file: %v", err)
	}
}

// allTemplates registers every message the system sends, as a JSON
// object: testSMS's as the fake services know it (code), the others as
// prefix and their key.
func allTemplates(prefix, code string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(data.MessageKeys())) {
		v := prefix + k
		if k == testSMS.Template && code != "" {
			v = code
		}
		pairs = append(pairs, fmt.Sprintf("%q: %q", k, v))
	}
	return "{" + strings.Join(pairs, ", ") + "}"
}

func TestLoadProviderRefuses(t *testing.T) {
	ali := `"provider": "aliyun", "access_key_id": "LTAI", "sign_name": "某某市人社局", "templates": ` + allTemplates("SMS_1", "")
	tc := `"provider": "tencent", "secret_id": "AKID", "sdk_app_id": "1400006666", "sign_name": "某某市人社局", "templates": ` + allTemplates("1", "")
	for _, c := range []struct{ name, env, file, want string }{
		{"aliyun without a secret", "", `{` + ali + `}`, "缺少 access_key_secret（或环境变量 TITLEDESK_SMS_SECRET）"},
		{"tencent without a secret", "", `{` + tc + `}`, "缺少 secret_key（或环境变量 TITLEDESK_SMS_SECRET）"},
		{"two different secrets", "s1", `{` + ali + `, "access_key_secret": "s2"}`, "都给了密钥且不一致"},
		{"no provider", "s", `{"access_key_id": "x"}`, "缺少 provider"},
		{"unknown provider", "s", `{"provider": "huawei"}`, `provider "huawei" 不认识`},
		{"aliyun missing fields", "s", `{"provider": "aliyun"}`, "aliyun 配置缺少 access_key_id、sign_name、templates"},
		{"tencent missing fields", "s", `{"provider": "tencent", "secret_id": "AKID"}`, "tencent 配置缺少 sdk_app_id、sign_name、templates"},
		{"a misspelt field", "s", `{` + ali + `, "acces_key_id": "x"}`, `不认识的字段 "acces_key_id"`},
		{"the other service's field", "s", `{` + tc + `, "access_key_id": "LTAI"}`, "tencent 配置不用 access_key_id"},
		{"an empty template", "s", `{"provider": "aliyun", "access_key_id": "LTAI", "sign_name": "x", "templates": {"bureau_pass": " "}}`, "bureau_pass 的模板为空"},
		{"a key the system never sends", "s", `{` + strings.Replace(ali, `{`, `{"bureau_pas": "SMS_2", `, 1) + `}`, "templates 中的 bureau_pas 不是本系统发送的短信"},
		{"a message without its template", "s", `{` + strings.Replace(ali, `"submit/unit": "SMS_1submit/unit", `, ``, 1) + `}`, "templates 缺少 submit/unit 的模板"},
		{"plain http", "s", `{` + ali + `, "endpoint": "http://dysmsapi.aliyuncs.com/"}`, "必须是 https://"},
		{"not JSON", "s", `provider = aliyun`, "不是有效的 JSON 配置"},
		{"two objects", "s", `{` + ali + `} {}`, "多余内容"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(SecretEnv, c.env)
			_, err := LoadProvider(writeConfig(t, c.file))
			if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), c.want) {
				t.Errorf("got %v, want EINVALID saying %q", err, c.want)
			}
		})
	}
	_, err := LoadProvider(filepath.Join(t.TempDir(), "none.json"))
	if data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "不存在") {
		t.Errorf("a missing file: %v", err)
	}
}
