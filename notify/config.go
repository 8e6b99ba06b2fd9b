package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"

	"titledesk/data"
)

// SecretEnv is the environment variable that may hold the SMS service's
// secret (Alibaba Cloud's AccessKey secret, Tencent Cloud's SecretKey) so
// that it need not sit in the configuration file.
const SecretEnv = "TITLEDESK_SMS_SECRET"

// ProviderConfig is the JSON configuration file of an SMS service:
//
//	{"provider": "aliyun", "access_key_id": "LTAI…", "sign_name": "某某市人社局",
//	 "templates": {"bureau_pass/applicant": "SMS_123", "liaison_return.unit/unit": "SMS_124"}}
//
//	{"provider": "tencent", "secret_id": "AKID…", "sdk_app_id": "1400…",
//	 "sign_name": "某某市人社局", "region": "ap-guangzhou",
//	 "templates": {"bureau_pass/applicant": "1234567"}}
//
// The secret (access_key_secret, secret_key) may be left out of the file and
// given in TITLEDESK_SMS_SECRET instead.
type ProviderConfig struct {
	Provider string `json:"provider"` // aliyun or tencent
	// Endpoint overrides the service's address; it must be https.
	Endpoint string `json:"endpoint,omitempty"`
	// Region is RegionId for aliyun (default cn-hangzhou) and X-TC-Region
	// for tencent (default ap-guangzhou).
	Region string `json:"region,omitempty"`

	AccessKeyID     string `json:"access_key_id,omitempty"`     // aliyun
	AccessKeySecret string `json:"access_key_secret,omitempty"` // aliyun

	SecretID  string `json:"secret_id,omitempty"`  // tencent
	SecretKey string `json:"secret_key,omitempty"` // tencent
	SdkAppID  string `json:"sdk_app_id,omitempty"` // tencent

	SignName string `json:"sign_name"`
	// Templates maps a message key (bureau_pass, liaison_return/unit, …) to
	// the template the service registered for it.
	Templates map[string]string `json:"templates"`
}

// LoadProvider reads an SMS service's configuration from the JSON file at
// path (see ProviderConfig) and returns its Provider, an *Aliyun or a
// *Tencent. Whatever is missing or wrong is an EINVALID error that says so
// in Chinese.
func LoadProvider(path string) (Provider, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, data.Errorf(data.EINVALID, "短信配置文件 %s 不存在", path)
	}
	if err != nil {
		return nil, data.Errorf(data.EINVALID, "读取短信配置文件 %s 失败：%w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c ProviderConfig
	if err := dec.Decode(&c); err != nil {
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return nil, data.Errorf(data.EINVALID, "短信配置文件 %s 有不认识的字段 %s", path, f)
		}
		return nil, data.Errorf(data.EINVALID, "短信配置文件 %s 不是有效的 JSON 配置：%w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, data.Errorf(data.EINVALID, "短信配置文件 %s 在配置之后还有多余内容", path)
	}
	p, err := c.provider()
	if err != nil {
		return nil, data.Errorf(data.EINVALID, "短信配置文件 %s：%w", path, err)
	}
	return p, nil
}

// provider checks c and builds its Provider, taking the secret from
// TITLEDESK_SMS_SECRET when the file has none.
func (c ProviderConfig) provider() (Provider, error) {
	var missing, foreign []string
	need := func(field, v string) string {
		v = strings.TrimSpace(v)
		if v == "" {
			missing = append(missing, field)
		}
		return v
	}
	notHere := func(field, v string) {
		if strings.TrimSpace(v) != "" {
			foreign = append(foreign, field)
		}
	}
	secret := func(field, v string) (string, error) {
		v = strings.TrimSpace(v)
		env := strings.TrimSpace(os.Getenv(SecretEnv))
		switch {
		case v != "" && env != "" && v != env:
			return "", fmt.Errorf("%s 与环境变量 %s 都给了密钥且不一致，请只保留一处", field, SecretEnv)
		case v == "":
			v = env
		}
		if v == "" {
			missing = append(missing, field+"（或环境变量 "+SecretEnv+"）")
		}
		return v, nil
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("endpoint %q 必须是 https:// 开头的完整地址", c.Endpoint)
		}
	}
	templates := map[string]string{}
	var emptyTemplates []string
	for k, v := range c.Templates {
		if strings.TrimSpace(v) == "" {
			emptyTemplates = append(emptyTemplates, k)
		}
		templates[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if len(emptyTemplates) > 0 {
		sort.Strings(emptyTemplates)
		return nil, fmt.Errorf("templates 中 %s 的模板为空", strings.Join(emptyTemplates, "、"))
	}
	var p Provider
	switch strings.ToLower(strings.TrimSpace(c.Provider)) {
	case "aliyun":
		a := &Aliyun{Endpoint: c.Endpoint, Region: c.Region, Templates: templates,
			AccessKeyID: need("access_key_id", c.AccessKeyID), SignName: need("sign_name", c.SignName)}
		s, err := secret("access_key_secret", c.AccessKeySecret)
		if err != nil {
			return nil, err
		}
		a.AccessKeySecret = s
		notHere("secret_id", c.SecretID)
		notHere("secret_key", c.SecretKey)
		notHere("sdk_app_id", c.SdkAppID)
		p = a
	case "tencent":
		t := &Tencent{Endpoint: c.Endpoint, Region: c.Region, Templates: templates,
			SecretID: need("secret_id", c.SecretID), SdkAppID: need("sdk_app_id", c.SdkAppID),
			SignName: need("sign_name", c.SignName)}
		s, err := secret("secret_key", c.SecretKey)
		if err != nil {
			return nil, err
		}
		t.SecretKey = s
		notHere("access_key_id", c.AccessKeyID)
		notHere("access_key_secret", c.AccessKeySecret)
		p = t
	case "":
		return nil, errors.New("缺少 provider（aliyun 或 tencent）")
	default:
		return nil, fmt.Errorf("provider %q 不认识，只能是 aliyun（阿里云）或 tencent（腾讯云）", c.Provider)
	}
	if len(templates) == 0 {
		missing = append(missing, "templates")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s 配置缺少 %s", p.Name(), strings.Join(missing, "、"))
	}
	if len(foreign) > 0 {
		return nil, fmt.Errorf("%s 配置不用 %s（是另一家服务的字段）", p.Name(), strings.Join(foreign, "、"))
	}
	// Every message the system sends needs its registered template, and a
	// key it never sends is a typing error.
	var unknown, unregistered []string
	keys := data.MessageKeys()
	for k := range templates {
		if _, ok := keys[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	for k := range keys {
		if _, ok := templates[k]; !ok {
			unregistered = append(unregistered, k)
		}
	}
	sort.Strings(unknown)
	sort.Strings(unregistered)
	switch {
	case len(unknown) > 0:
		return nil, fmt.Errorf("templates 中的 %s 不是本系统发送的短信（可用的见 titledesk-server admin sms-templates）", strings.Join(unknown, "、"))
	case len(unregistered) > 0:
		return nil, fmt.Errorf("templates 缺少 %s 的模板：每种短信都须在短信服务商处登记模板", strings.Join(unregistered, "、"))
	}

	return p, nil
}
