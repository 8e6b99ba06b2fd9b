package portal

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/blobstore"
)

func TestOthersApplicationsAreNotFound(t *testing.T) {
	s := newSite(t)
	unitA, uA := s.unit("unita", "东莞市明辉电力工程有限公司")
	unitB, uB := s.unit("unitb", "东莞市松湖建筑有限公司")
	zhang := s.applicant("zhangwei", uA)
	li := s.applicant("lina", uA) // same unit, another person
	wang := s.applicant("wangfang", uB)
	id := zhang.draft()
	zhang.uploadAll(id)
	att := s.app(id).Attachments[0].ID

	// A draft is the applicant's alone, even for his unit.
	for _, v := range []*visitor{li, wang, unitA, unitB} {
		for _, path := range []string{"/applications/" + id, "/scans/" + id + "/" + att, "/unit/applications/" + id} {
			if status, body := v.get(path); status == http.StatusOK || strings.Contains(body, "电力工程电气助理工程师") {
				t.Errorf("%s shows another's draft: %d", path, status)
			}
		}
	}
	a := s.app(id)
	zhang.post("/applications/"+id+"/submit", url.Values{"version": {itoa(a.Version)}})
	a = s.app(id)
	if a.Status != "unit_review" {
		t.Fatalf("submit: %s", a.Status)
	}

	// Submitted: the unit sees it; another applicant and another unit do not,
	// and cannot act on it either.
	if status, _ := unitA.get("/unit/applications/" + id); status != http.StatusOK {
		t.Errorf("own unit: %d", status)
	}
	for name, v := range map[string]*visitor{"colleague": li, "other unit's applicant": wang, "other unit": unitB} {
		for _, path := range []string{"/applications/" + id, "/scans/" + id + "/" + att, "/unit/applications/" + id, "/applications/" + id + "/form.pdf"} {
			if status, _ := v.get(path); status != http.StatusNotFound && status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", name, path, status)
			}
		}
		if _, body := v.get("/unit/applications?all=1"); strings.Contains(body, a.No) {
			t.Errorf("%s lists the application", name)
		}
		if _, body := v.get("/applications"); strings.Contains(body, a.No) {
			t.Errorf("%s lists the application", name)
		}
	}
	for _, path := range []string{"/applications/" + id + "/withdraw", "/unit/applications/" + id + "/reject"} {
		for name, v := range map[string]*visitor{"colleague": li, "other unit": unitB} {
			if status, _ := v.post(path, url.Values{"version": {itoa(a.Version)}, "note": {"x"}}); status == http.StatusOK {
				t.Errorf("%s POST %s succeeded", name, path)
			}
		}
	}
	// The applicant cannot review his own application as if he were the unit.
	if status, _ := zhang.post("/unit/applications/"+id+"/approve", url.Values{"version": {itoa(a.Version)}}); status != http.StatusForbidden {
		t.Errorf("applicant on the unit's approve: %d", status)
	}
	if got := s.app(id); got.Version != a.Version {
		t.Errorf("someone else changed the application to v%d (%s)", got.Version, got.Status)
	}
	// Not logged in: pages send to the login, scans are not found.
	anon := s.visitor()
	resp, err := anon.c.Get(s.srv.URL + "/applications/" + id)
	if err != nil || resp.Request.URL.Path != "/login" {
		t.Errorf("anonymous application page ended at %v %v", resp.Request.URL, err)
	}
	if status, _ := anon.get("/scans/" + id + "/" + att); status != http.StatusNotFound {
		t.Errorf("anonymous scan: %d", status)
	}
}

func TestCSRFTokenRequired(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	zhang := s.applicant("zhangwei", u)
	forged := zhang.csrf[:len(zhang.csrf)-2] + "AA"
	other := s.visitor()
	other.get("/login") // another browser's token
	for name, token := range map[string]string{"missing": "", "forged": forged, "another session's": other.csrf} {
		form := url.Values{"csrf": {token}, "name": {"李四"}, "id_number": {"440101199001010011"}, "mobile": {"13800138001"},
			"education": {"大学本科"}, "major": {"x"}, "working_years": {"1"}}
		status, body := zhang.post("/profile", form)
		mustContain(t, name+" token", status, body, http.StatusForbidden, "安全校验未通过")
	}
	// The login form is protected too, so nobody can log a browser into his account.
	status, body := other.post("/login", url.Values{"csrf": {forged}, "login": {"zhangwei"}, "password": {"个人密码2026"}})
	mustContain(t, "forged login", status, body, http.StatusForbidden, "安全校验未通过")
	// A browser's cross-site POST is refused before the token is looked at.
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/profile", strings.NewReader(url.Values{"csrf": {zhang.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	status, body = zhang.read(zhang.c.Do(req))
	mustContain(t, "cross-site", status, body, http.StatusForbidden, "其他网站")

	acc, _ := s.db.AccountByLogin(context.Background(), "zhangwei")
	if acc.Name != "张伟" {
		t.Errorf("a refused form changed the profile: %+v", acc)
	}
	if !strings.HasPrefix(acc.PasswordHash, "$argon2id$") {
		t.Errorf("password stored as %q", acc.PasswordHash)
	}
}

func TestSessionCookie(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	v := s.applicant("zhangwei", u)
	before := v.c.Jar.Cookies(mustURL(s.srv.URL))[0].Value
	resp, err := v.c.PostForm(s.srv.URL+"/login", url.Values{"csrf": {v.csrf}, "login": {"zhangwei"}, "password": {"个人密码2026"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The cookie of the login response (before the redirect).
	var set string
	for r := resp; r != nil; r = r.Request.Response {
		if c := r.Header.Get("Set-Cookie"); c != "" {
			set = c
		}
	}
	for _, want := range []string{"__Host-titledesk=", "Path=/", "HttpOnly", "Secure", "SameSite=Lax", "Max-Age=28800"} {
		if !strings.Contains(set, want) {
			t.Errorf("session cookie %q lacks %s", set, want)
		}
	}
	if after := v.c.Jar.Cookies(mustURL(s.srv.URL))[0].Value; after == before {
		t.Error("the session token was not renewed at login")
	}
	// Logout ends the session on the server.
	old := v.c.Jar.Cookies(mustURL(s.srv.URL))[0].Value
	v.get("/applications")
	v.post("/logout", url.Values{})
	if _, err := s.db.SessionAccount(context.Background(), old, s.now); err == nil {
		t.Error("the session survived logout")
	}
	// An expired session is a logged-out one.
	v.login("zhangwei", "个人密码2026")
	s.now = s.now.Add(sessionTTL + time.Minute)
	resp, _ = v.c.Get(s.srv.URL + "/applications")
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		t.Errorf("expired session reached %s", resp.Request.URL.Path)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestLoginLockout(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	s.applicant("zhangwei", u)
	v := s.visitor()
	for i := 0; i < loginRule.Max-1; i++ {
		status, body := v.post("/login", url.Values{"login": {"ZhangWei"}, "password": {"wrong-password"}})
		mustContain(t, "wrong password", status, body, http.StatusUnprocessableEntity, "用户名或密码错误")
	}
	status, body := v.post("/login", url.Values{"login": {"zhangwei"}, "password": {"wrong-password"}})
	mustContain(t, "fifth wrong password", status, body, http.StatusUnprocessableEntity, "登录失败次数过多", "10:15")
	// Locked: even the right password is refused, from any address.
	status, body = v.post("/login", url.Values{"login": {"zhangwei"}, "password": {"个人密码2026"}})
	mustContain(t, "right password while locked", status, body, http.StatusUnprocessableEntity, "登录失败次数过多")
	s.now = s.now.Add(loginRule.Lock + time.Second)
	v.login("zhangwei", "个人密码2026")

	// One address trying many names is stopped too, whatever the name.
	w := s.visitor()
	for i := 0; i < ipRule.Max; i++ {
		w.post("/login", url.Values{"login": {"guess" + itoa(int64(i))}, "password": {"wrong-password"}})
	}
	status, body = w.post("/login", url.Values{"login": {"minghui"}, "password": {"单位密码2026"}})
	mustContain(t, "address locked", status, body, http.StatusUnprocessableEntity, "登录失败次数过多")
	// A minute on, the office behind that address logs in again.
	s.now = s.now.Add(ipRule.Lock + time.Second)
	w.login("minghui", "单位密码2026")
	// An attacker who keeps going waits longer each time: a minute (the
	// office's login stepped the back-off down), then two. A login of his
	// own does not wipe the address's count: the nineteen failures before
	// it still count, and the twentieth locks.
	for round, lock := range []time.Duration{ipRule.Lock, 2 * ipRule.Lock} {
		for i := 0; i < ipRule.Max-1; i++ {
			w.post("/login", url.Values{"login": {"guess" + itoa(int64(i))}, "password": {"wrong-password"}})
		}
		if round == 0 {
			w.login("minghui", "单位密码2026")
		}
		w.post("/login", url.Values{"login": {"guess-last"}, "password": {"wrong-password"}})
		s.now = s.now.Add(lock - time.Second)
		status, body = w.post("/login", url.Values{"login": {"minghui"}, "password": {"单位密码2026"}})
		mustContain(t, "address still locked", status, body, http.StatusUnprocessableEntity, "登录失败次数过多")
		if round == 1 {
			s.now = s.now.Add(2 * time.Second)
			w.login("minghui", "单位密码2026")
		} else {
			s.now = s.now.Add(2 * time.Second)
		}
	}
}

func TestUploadsMustBeImages(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	zhang := s.applicant("zhangwei", u)
	id := zhang.draft()
	version := itoa(s.app(id).Version)
	for _, tc := range []struct {
		name    string
		content []byte
		want    string
		status  int
	}{
		{"学历证书.jpg", []byte("%PDF-1.4 not a picture"), "“学历证书.jpg”不是有效的 JPEG 或 PNG 图片", http.StatusUnprocessableEntity},
		{"小图.png", scanPNG(100, 100), "“小图.png”太小（100×100 像素）", http.StatusUnprocessableEntity},
		{"巨大.png", make([]byte, 11<<20), "超过 10 MB", http.StatusBadRequest},
	} {
		status, body := zhang.upload("/applications/"+id+"/materials", version, "学历证书", tc.name, tc.content)
		mustContain(t, tc.name, status, body, tc.status, tc.want)
	}
	status, body := zhang.upload("/applications/"+id+"/materials", version, "不存在的类别", "a.png", scanPNG(300, 300))
	mustContain(t, "unknown kind", status, body, http.StatusUnprocessableEntity, "请选择材料类别")
	if a := s.app(id); len(a.Attachments) != 0 || a.Version != 1 {
		t.Errorf("refused uploads changed the application: %+v", a.Attachments)
	}
	// A stale page (version) is told so instead of overwriting.
	zhang.upload("/applications/"+id+"/materials", version, "学历证书", "ok.png", scanPNG(300, 300))
	status, body = zhang.upload("/applications/"+id+"/materials", version, "学位证书", "ok2.png", scanPNG(301, 300))
	mustContain(t, "stale version", status, body, http.StatusUnprocessableEntity, "已被他人处理")
}

func TestRegistrationRules(t *testing.T) {
	s := newSite(t)
	v := s.visitor()
	code := data.MakeCreditCode("91441900MA4UABCD1")
	form := url.Values{"name": {"东莞市待审公司"}, "credit_code": {code}, "contact_name": {"黄丽"}, "contact_mobile": {"13922001100"},
		"login": {"pending"}, "password": {"单位密码2026"}, "password2": {"单位密码2026"}}
	status, body := v.post("/register/unit", form)
	mustContain(t, "register", status, body, http.StatusOK, "等待市人力资源局审核")
	status, body = v.post("/register/unit", form)
	mustContain(t, "same code again", status, body, http.StatusUnprocessableEntity, "已注册")

	// An applicant cannot register under a unit not yet approved.
	a := s.visitor()
	status, body = a.post("/register/applicant", url.Values{"name": {"张伟"}, "id_number": {"11010519491231002X"}, "mobile": {"13800138000"},
		"unit_credit_code": {code}, "login": {"zhangwei"}, "password": {"个人密码2026"}, "password2": {"个人密码2026"}})
	mustContain(t, "under a pending unit", status, body, http.StatusUnprocessableEntity, "尚未通过审核")

	// The pending unit logs in to its registration's state only; refused, it
	// reads why and sends corrected details.
	v.login("pending", "单位密码2026")
	resp, _ := v.c.Get(s.srv.URL + "/unit/applications")
	resp.Body.Close()
	if resp.Request.URL.Path != "/unit/registration" {
		t.Errorf("pending unit reached %s", resp.Request.URL.Path)
	}
	unit, _ := s.db.UnitByCreditCode(context.Background(), code)
	unit.RejectReason = "单位名称与营业执照不一致"
	s.db.SaveUnit(context.Background(), unit)
	status, body = v.get("/unit/registration")
	mustContain(t, "refused unit", status, body, http.StatusOK, "未通过审核：单位名称与营业执照不一致", "重新提交审核")
	status, body = v.post("/unit/registration", url.Values{"name": {"东莞市待审科技有限公司"}, "contact_name": {"黄丽"}, "contact_mobile": {"13922001100"}})
	mustContain(t, "resubmit", status, body, http.StatusOK, "已重新提交审核", "正在等待")
	if unit, _ = s.db.UnitByCreditCode(context.Background(), code); unit.RejectReason != "" || unit.Name != "东莞市待审科技有限公司" || unit.Approved {
		t.Errorf("after resubmit: %+v", unit)
	}

	// After login only local paths are followed.
	w := s.visitor()
	w.get("/login")
	resp, err := w.c.PostForm(s.srv.URL+"/login", url.Values{"csrf": {w.csrf}, "login": {"pending"}, "password": {"单位密码2026"}, "next": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Host != mustURL(s.srv.URL).Host {
		t.Errorf("login followed next to %s", resp.Request.URL)
	}
}

// TestRegistrationRateLimit stops one address after registerRule.Max
// registrations an hour, whether they succeed or not.
func TestRegistrationRateLimit(t *testing.T) {
	s := newSite(t)
	v := s.visitor()
	form := url.Values{"name": {"张伟"}, "id_number": {"not-a-number"}, "mobile": {"13800138000"},
		"unit_credit_code": {"x"}, "login": {"someone"}, "password": {"个人密码2026"}, "password2": {"个人密码2026"}}
	for i := 0; i < registerRule.Max; i++ {
		status, body := v.post("/register/applicant", form)
		if strings.Contains(body, "注册次数过多") {
			t.Fatalf("refused after %d attempts (%d)", i, status)
		}
	}
	status, body := v.post("/register/applicant", form)
	mustContain(t, "one registration too many", status, body, http.StatusForbidden, "注册次数过多", "11:")
	s.now = s.now.Add(registerRule.Lock + time.Second)
	if _, body := v.post("/register/applicant", form); strings.Contains(body, "注册次数过多") {
		t.Error("still refused after the lock ended")
	}
}

// TestLoginNextStaysOnSite: after login the portal goes back only to a
// path of its own; whatever a browser could read as another site goes home.
func TestLoginNextStaysOnSite(t *testing.T) {
	for next, want := range map[string]string{
		"/applications/new":         "/applications/new",
		"/unit/applications?page=2": "/unit/applications?page=2",
		"/\t/evil.example/":         "/",
		"/\n/evil.example/":         "/",
		"//evil.example/":           "/",
		"/\\evil.example/":          "/",
		"https://evil.example/":     "/",
		"evil.example":              "/",
		"/ /evil.example":           "/",
		"":                          "/",
		"/%09/evil.example/":        "/%09/evil.example/", // escaped: a path on this site
	} {
		if got := localPath(next); got != want {
			t.Errorf("localPath(%q) = %q, want %q", next, got, want)
		}
	}
}

// TestForgedChoicesRefused: the server checks what the portal's own lists
// offer, since a POST can send anything: a level not in the fee schedule,
// a liaison point that does not exist or no longer takes applications, a
// qualification of 100,000 characters, names and majors with control or
// right-to-left characters. Each gets a Chinese message and leaves no
// application and no changed profile behind.
func TestForgedChoicesRefused(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	zhang := s.applicant("zhangwei", u)
	closed := &data.LiaisonPoint{ID: uuid.NewString(), Code: "GBXH", Name: "东莞市已撤销协会", Active: false}
	if err := s.db.SaveLiaisonPoint(context.Background(), closed); err != nil {
		t.Fatal(err)
	}
	good := url.Values{"series": {"工程技术人员"}, "qualification": {"电力工程电气助理工程师"}, "level": {"助理级"}, "method": {"assessment"}, "liaison_point": {s.point.ID}}
	with := func(field, value string) url.Values {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set(field, value)
		return f
	}
	for _, tc := range []struct {
		name string
		form url.Values
		says string
	}{
		{"a level not in the fee schedule", with("level", "特级"), "不在收费标准中"},
		{"a series not offered", with("series", "宇航专业人员"), "不在可申报的系列中"},
		{"no such liaison point", with("liaison_point", "no-such-point"), "人才联络点不存在"},
		{"a closed liaison point", with("liaison_point", closed.ID), "已停止受理"},
		{"a qualification of 100,000 characters", with("qualification", strings.Repeat("工", 100000)), "资格过长"},
		{"an escape character", with("qualification", "电力工程\x1b[31m助理工程师"), "不可见的控制字符"},
	} {
		status, body := zhang.post("/applications/new", tc.form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d %s", tc.name, status, pageText(body))
		}
	}
	apps, _, err := s.db.FindApplications(context.Background(), data.ApplicationFilter{Limit: 10})
	if err != nil || len(apps) != 0 {
		t.Errorf("refused drafts left %d applications (%v)", len(apps), err)
	}
	id := data.MakeIDNumber("441900", time.Date(1990, 3, 7, 0, 0, 0, 0, data.Shanghai), 99)
	for _, tc := range []struct{ field, value string }{{"name", "张\u202e伟"}, {"major", "电气\x00工程"}, {"education", "本科\u2066"}} {
		f := url.Values{"name": {"张伟"}, "id_number": {id}, "mobile": {"13800138000"}, "education": {"大学本科"}, "major": {"电气工程及其自动化"}, "working_years": {"6"}}
		f.Set(tc.field, tc.value)
		status, body := zhang.post("/profile", f)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "不可见的控制字符") {
			t.Errorf("profile %s %q: %d %s", tc.field, tc.value, status, pageText(body))
		}
	}
	if a, err := s.db.AccountByLogin(context.Background(), "zhangwei"); err != nil || a.Name != "张伟" || a.Profile.Major != "电气工程及其自动化" {
		t.Errorf("a refused profile changed the account: %+v %v", a, err)
	}
}

// TestWeakPasswordRefusedAtRegistration: the registration forms state the
// password rule, and a password people guess first is refused, saying why,
// with no account made.
func TestWeakPasswordRefusedAtRegistration(t *testing.T) {
	s := newSite(t)
	v := s.visitor()
	_, body := v.get("/register/unit")
	if !strings.Contains(body, data.PasswordRule) {
		t.Errorf("the unit's form does not state the rule:\n%s", pageText(body))
	}
	for _, pw := range []string{"12345678", "password", "qwertyui"} {
		status, body := v.post("/register/unit", url.Values{"name": {"东莞市某某科技有限公司"}, "credit_code": {data.MakeCreditCode("91441900MA4UWEAK1")},
			"contact_name": {"黄丽"}, "contact_mobile": {"13922001100"}, "login": {"weakunit"}, "password": {pw}, "password2": {pw}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "太容易被猜到") {
			t.Errorf("password %q: %d %s", pw, status, pageText(body))
		}
	}
	if _, err := s.db.AccountByLogin(context.Background(), "weakunit"); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("a refused registration made an account: %v", err)
	}
}

// TestRefusedUploadsLeaveNothing: a grey scan, a blank page and a cut-off
// file are refused, each saying why; an upload whose change is refused
// (the page was stale) takes its file away again; an account uploading
// without end is stopped for the hour.
func TestRefusedUploadsLeaveNothing(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	zhang := s.applicant("zhangwei", u)
	id := zhang.draft()
	blobs := func() int {
		files, _ := filepath.Glob(filepath.Join(string(s.p.blobs), "*", "*"))
		return len(files)
	}
	var grey, blank bytes.Buffer
	g := image.NewGray(image.Rect(0, 0, 400, 400))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 7)
	}
	png.Encode(&grey, g)
	w := image.NewRGBA(image.Rect(0, 0, 400, 400))
	for i := range w.Pix {
		w.Pix[i] = 250
	}
	png.Encode(&blank, w)
	good := scanPNG(300, 400)
	a := s.app(id)
	for _, tc := range []struct {
		name    string
		b       []byte
		version int64
		says    string
	}{
		{"grey.png", grey.Bytes(), a.Version, "黑白（灰度）"},
		{"blank.png", blank.Bytes(), a.Version, "空白页"},
		{"cut.png", good[:len(good)/2], a.Version, "不完整或已损坏"},
		{"stale.png", good, a.Version - 1, "已"},
	} {
		status, body := zhang.upload("/applications/"+id+"/materials", itoa(tc.version), "居民身份证", tc.name, tc.b)
		if status != http.StatusUnprocessableEntity && status != http.StatusConflict || !strings.Contains(pageText(body), tc.says) {
			t.Errorf("%s: %d %s", tc.name, status, pageText(body))
		}
		if n := blobs(); n != 0 {
			t.Errorf("%s: %d files left in the blob store", tc.name, n)
		}
	}
	for i := 0; i < uploadRule.Max; i++ {
		zhang.upload("/applications/"+id+"/materials", "0", "居民身份证", "again.png", grey.Bytes())
	}
	status, body := zhang.upload("/applications/"+id+"/materials", itoa(s.app(id).Version), "居民身份证", "scan.png", good)
	if status == http.StatusOK || !strings.Contains(body, "上传的文件过多") {
		t.Errorf("upload past the hour's limit: %d %s", status, pageText(body))
	}
}

// TestLargeScanServedAsDisplayRendition: a large scan is kept whole, and
// browsers are shown a display-size JPEG of it; the original is there on
// request.
func TestLargeScanServedAsDisplayRendition(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	zhang := s.applicant("zhangwei", u)
	id := zhang.draft()
	img := image.NewRGBA(image.Rect(0, 0, 3000, 2200))
	for y := 0; y < 2200; y++ {
		for x := 0; x < 3000; x++ {
			img.Set(x, y, color.RGBA{uint8(150 + x/30), uint8(100 + y/30), 90, 255})
		}
	}
	var big bytes.Buffer
	jpeg.Encode(&big, img, &jpeg.Options{Quality: 80})
	status, body := zhang.upload("/applications/"+id+"/materials", itoa(s.app(id).Version), "居民身份证", "big.jpg", big.Bytes())
	mustContain(t, "upload", status, body, http.StatusOK, "材料已上传")
	at := s.app(id).Attachments[0]
	if at.DisplaySHA256 == "" || !s.p.blobs.Has(at.SHA256) || !s.p.blobs.Has(at.DisplaySHA256) {
		t.Fatalf("kept %+v", at)
	}
	for _, tc := range []struct {
		query string
		width int
	}{{"", blobstore.DisplaySide}, {"?original=1", 3000}} {
		resp, err := zhang.c.Get(s.srv.URL + "/scans/" + id + "/" + at.ID + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(resp.Body)
		resp.Body.Close()
		if err != nil || cfg.Width != tc.width {
			t.Errorf("scan%s: %d pixels wide (%v), want %d", tc.query, cfg.Width, err, tc.width)
		}
	}
}
