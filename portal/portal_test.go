package portal

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/forms"
)

// site is a portal over a real server store, on an httptest TLS server.
type site struct {
	t     *testing.T
	db    *sqlite.Store
	p     *Portal
	srv   *httptest.Server
	now   time.Time
	point *data.LiaisonPoint
}

func newSite(t *testing.T) *site {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.OpenServer(filepath.Join(dir, "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &site{t: t, db: db, now: time.Date(2026, 9, 14, 10, 0, 0, 0, data.Shanghai)}
	s.point = &data.LiaisonPoint{ID: uuid.NewString(), Code: "DLXH", Name: "东莞市电力行业协会", Address: "南城街道鸿福路 1 号", Active: true}
	if err := db.SaveLiaisonPoint(context.Background(), s.point); err != nil {
		t.Fatal(err)
	}
	s.p, err = New(context.Background(), db, blobstore.Dir(filepath.Join(dir, "blobs")), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.p.Now = func() time.Time { return s.now }
	mux := http.NewServeMux()
	s.p.Register(mux)
	s.srv = httptest.NewTLSServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// visitor is one browser: its cookies and the CSRF token of the last page.
type visitor struct {
	s    *site
	c    *http.Client
	csrf string
}

func (s *site) visitor() *visitor {
	jar, _ := cookiejar.New(nil)
	c := *s.srv.Client()
	c.Jar = jar
	return &visitor{s: s, c: &c}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (v *visitor) read(resp *http.Response, err error) (int, string) {
	v.s.t.Helper()
	if err != nil {
		v.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(b); m != nil {
		v.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

func (v *visitor) get(path string) (int, string) {
	v.s.t.Helper()
	return v.read(v.c.Get(v.s.srv.URL + path))
}

// post sends a form with the current CSRF token unless the form has one.
func (v *visitor) post(path string, form url.Values) (int, string) {
	v.s.t.Helper()
	if !form.Has("csrf") {
		if v.csrf == "" {
			v.get("/login")
		}
		form.Set("csrf", v.csrf)
	}
	return v.read(v.c.PostForm(v.s.srv.URL+path, form))
}

func (v *visitor) upload(path, version, kind, name string, content []byte) (int, string) {
	v.s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", v.csrf)
	w.WriteField("version", version)
	w.WriteField("kind", kind)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	return v.read(v.c.Post(v.s.srv.URL+path, w.FormDataContentType(), &body))
}

func mustContain(t *testing.T, what string, status int, body string, wantStatus int, want ...string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("%s: status %d, want %d", what, status, wantStatus)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: page lacks %q:\n%s", what, w, pageText(body))
		}
	}
}

// pageText is a page's main part, for failure messages.
func pageText(body string) string {
	if i := strings.Index(body, "<main>"); i >= 0 {
		body = body[i:]
	}
	return body[:min(len(body), 1500)]
}

var creditCodes = 0

// unit registers a unit through the page and approves it as the admin
// command does.
func (s *site) unit(login, name string) (*visitor, *data.Unit) {
	s.t.Helper()
	creditCodes++
	code := data.MakeCreditCode(fmt.Sprintf("91441900MA4UABC%02d", creditCodes))
	v := s.visitor()
	status, body := v.post("/register/unit", url.Values{"name": {name}, "credit_code": {code}, "contact_name": {"黄丽"},
		"contact_mobile": {"13922001100"}, "login": {login}, "password": {"单位密码2026"}, "password2": {"单位密码2026"}})
	mustContain(s.t, "register unit", status, body, http.StatusOK, "等待市人力资源局审核")
	u, err := s.db.UnitByCreditCode(context.Background(), code)
	if err != nil {
		s.t.Fatal(err)
	}
	u.Approved = true
	if err := s.db.SaveUnit(context.Background(), u); err != nil {
		s.t.Fatal(err)
	}
	v.login(login, "单位密码2026")
	return v, u
}

func (v *visitor) login(login, password string) {
	v.s.t.Helper()
	status, body := v.post("/login", url.Values{"login": {login}, "password": {password}})
	if status != http.StatusOK || strings.Contains(body, `class="error"`) {
		v.s.t.Fatalf("login %s: %d %s", login, status, pageText(body))
	}
}

var applicants = 0

// applicant registers under the unit, fills in the profile and logs in.
func (s *site) applicant(login string, u *data.Unit) *visitor {
	s.t.Helper()
	applicants++
	v := s.visitor()
	id := data.MakeIDNumber("441900", time.Date(1990, 3, 7, 0, 0, 0, 0, data.Shanghai), applicants)
	status, body := v.post("/register/applicant", url.Values{"name": {"张伟"}, "id_number": {id}, "mobile": {"13800138000"},
		"unit_credit_code": {u.CreditCode}, "login": {login}, "password": {"个人密码2026"}, "password2": {"个人密码2026"}})
	mustContain(s.t, "register applicant", status, body, http.StatusOK, "注册成功")
	v.login(login, "个人密码2026")
	status, body = v.post("/profile", url.Values{"name": {"张伟"}, "id_number": {id}, "mobile": {"13800138000"},
		"education": {"大学本科"}, "major": {"电气工程及其自动化"}, "working_years": {"6"}})
	mustContain(s.t, "profile", status, body, http.StatusOK, "个人信息已保存")
	return v
}

var appPath = regexp.MustCompile(`/applications/([0-9a-f-]{36})`)

// draft starts an application and returns its ID.
func (v *visitor) draft() string {
	v.s.t.Helper()
	status, body := v.post("/applications/new", url.Values{"series": {"工程技术人员"}, "qualification": {"电力工程电气助理工程师"},
		"level": {"助理级"}, "method": {"assessment"}, "liaison_point": {v.s.point.ID}})
	mustContain(v.s.t, "new application", status, body, http.StatusOK, "已创建申报")
	m := appPath.FindStringSubmatch(body)
	if m == nil {
		v.s.t.Fatalf("no application link: %s", pageText(body))
	}
	return m[1]
}

// scanPNG is a colour "scan" of w×h pixels.
func scanPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(200 + x%50), uint8(180 + y%70), 160, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func (s *site) app(id string) *data.Application {
	s.t.Helper()
	a, err := s.db.Application(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

// uploadAll uploads a scan of every required material.
func (v *visitor) uploadAll(id string) {
	v.s.t.Helper()
	req, _ := v.s.db.RequiredMaterials(context.Background(), "助理级")
	for i, kind := range req {
		a := v.s.app(id)
		status, body := v.upload("/applications/"+id+"/materials", itoa(a.Version), kind, "scan.png", scanPNG(300+i, 400))
		mustContain(v.s.t, "upload "+kind, status, body, http.StatusOK, "材料已上传")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestApplicantAndUnitWalkThrough(t *testing.T) {
	s := newSite(t)
	unit, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	zhang := s.applicant("zhangwei", u)
	id := zhang.draft()

	// 送审 with materials missing is refused with their names.
	a := s.app(id)
	status, body := zhang.post("/applications/"+id+"/submit", url.Values{"version": {itoa(a.Version)}})
	mustContain(t, "submit without scans", status, body, http.StatusUnprocessableEntity, "还缺少以下申报材料", "学历证书")

	zhang.uploadAll(id)
	a = s.app(id)
	status, body = zhang.post("/applications/"+id+"/submit", url.Values{"version": {itoa(a.Version)}})
	mustContain(t, "submit", status, body, http.StatusOK, "已送审", "待单位审核")
	a = s.app(id)
	if a.WorkingYears != 6 || a.Education != "大学本科" || a.UnitCreditCode != u.CreditCode {
		t.Errorf("profile not copied into the form: %+v", a.Form)
	}

	// The unit sees it waiting, with its scans.
	status, body = unit.get("/unit/applications")
	mustContain(t, "unit queue", status, body, http.StatusOK, a.No, "张伟", data.MaskIDNumber(a.IDNumber), "东莞市电力行业协会", "考核认定", "待单位审核")
	status, body = unit.get("/unit/applications/" + id)
	mustContain(t, "unit detail", status, body, http.StatusOK, "/scans/"+id+"/"+a.Attachments[0].ID, "审核通过")
	status, _ = unit.get("/scans/" + id + "/" + a.Attachments[0].ID)
	if status != http.StatusOK {
		t.Errorf("unit cannot open its applicant's scan: %d", status)
	}

	// Rejection with a reason; the applicant reads it, edits and resubmits.
	status, body = unit.post("/unit/applications/"+id+"/reject", url.Values{"version": {itoa(a.Version)},
		"reason": {"个人信息与证件不一致"}, "note": {"请核对学历证书的专业名称"}})
	mustContain(t, "unit reject", status, body, http.StatusOK, "已审核不通过")
	status, body = zhang.get("/applications/" + id)
	mustContain(t, "returned page", status, body, http.StatusOK, "单位审核不通过", "个人信息与证件不一致", "请核对学历证书的专业名称", "修改申报信息")
	a = s.app(id)
	status, body = zhang.post("/applications/"+id+"/edit", url.Values{"version": {itoa(a.Version)}, "series": {"工程技术人员"},
		"qualification": {"电力工程电气工程师"}, "level": {"助理级"}, "method": {"assessment"}, "liaison_point": {s.point.ID}})
	mustContain(t, "edit", status, body, http.StatusOK, "已保存", "电力工程电气工程师")
	a = s.app(id)
	zhang.post("/applications/"+id+"/submit", url.Values{"version": {itoa(a.Version)}})

	// Publicity: too short, not yet over, then right.
	a = s.app(id)
	for _, tc := range []struct{ start, end, want string }{
		{"2026-09-07", "2026-09-09", "公示期只有3个工作日"},
		{"2026-09-10", "2026-09-16", "公示期满后再审核通过"},
		{"", "", "请填写公示起止日期"},
		{"2020-01-06", "2020-01-10", "比本申请的创建日期"},
	} {
		status, body = unit.post("/unit/applications/"+id+"/approve", url.Values{"version": {itoa(a.Version)},
			"opinion": {"情况属实，同意申报。"}, "publicity_start": {tc.start}, "publicity_end": {tc.end}})
		mustContain(t, "publicity "+tc.start+"–"+tc.end, status, body, http.StatusUnprocessableEntity, tc.want, "情况属实，同意申报。")
	}
	// National Day 2026 is 1–7 October: ten calendar days from 30 September
	// hold only three working days (30 Sep, 8 and 9 Oct), by the bureau's calendar.
	s.now = time.Date(2026, 10, 12, 10, 0, 0, 0, data.Shanghai)
	unit.login("minghui", "单位密码2026") // the session of a month ago has expired
	status, body = unit.post("/unit/applications/"+id+"/approve", url.Values{"version": {itoa(a.Version)},
		"opinion": {"情况属实，同意申报。"}, "publicity_start": {"2026-09-30"}, "publicity_end": {"2026-10-09"}})
	mustContain(t, "publicity over the holiday", status, body, http.StatusUnprocessableEntity, "公示期只有3个工作日")
	status, body = unit.post("/unit/applications/"+id+"/approve", url.Values{"version": {itoa(a.Version)},
		"opinion": {"情况属实，同意申报。"}, "publicity_start": {"2026-09-14"}, "publicity_end": {"2026-09-18"}})
	mustContain(t, "approve", status, body, http.StatusOK, "已审核通过")
	if a = s.app(id); a.Status != data.StatusLiaisonReview || a.UnitOpinion != "情况属实，同意申报。" {
		t.Fatalf("after approve: %s %q", a.Status, a.UnitOpinion)
	}
}

func TestFormPDFAfterBureauPass(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	zhang := s.applicant("zhangwei", u)
	id := zhang.draft()
	zhang.uploadAll(id)
	a := s.app(id)
	zhang.post("/applications/"+id+"/submit", url.Values{"version": {itoa(a.Version)}})

	keyPEM, keyID, _ := forms.NewKey()
	key, _ := forms.ParseKey(keyPEM)
	s.db.SealForm = forms.FormSealer(keyID, key)
	clerk := data.Actor{ID: "c1", Name: "陈晓敏", Role: data.RoleClerk, LiaisonPointID: s.point.ID}
	bureau := data.Actor{ID: "b1", Name: "王立新", Role: data.RoleBureau}
	unitActor := data.Actor{ID: "u", Name: u.Name, Role: data.RoleUnit, UnitID: u.ID}
	cal, _ := s.db.Calendar(context.Background())
	a = s.app(id)
	for i, c := range []data.Command{
		// Publicised after the draft was made, and approved three weeks on.
		{Action: data.ActionUnitApprove, Actor: unitActor, Opinion: "同意", Publicity: data.Publicity{Start: s.now.AddDate(0, 0, 1), End: s.now.AddDate(0, 0, 13)}},
		{Action: data.ActionLiaisonPass, Actor: clerk},
		{Action: data.ActionBureauPass, Actor: bureau},
	} {
		c.ID, c.ApplicationID, c.ExpectedVersion = uuid.NewString(), id, a.Version+int64(i)
		if _, err := s.db.Apply(context.Background(), c, data.Env{Now: s.now.AddDate(0, 0, 21), Calendar: cal}); err != nil {
			t.Fatalf("%s: %v", c.Action, err)
		}
	}
	status, body := zhang.get("/applications/" + id)
	mustContain(t, "passed page", status, body, http.StatusOK, "下载申报表", "原件及复印件", "东莞市电力行业协会", "南城街道鸿福路 1 号")
	resp, err := zhang.c.Get(s.srv.URL + "/applications/" + id + "/form.pdf")
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("form.pdf: %d %q", resp.StatusCode, pdf[:min(len(pdf), 40)])
	}
	events, _ := s.db.AuditEvents(context.Background(), id)
	if last := events[len(events)-1]; last.Action != data.ActionPrint || last.Document != data.DocForm || last.ActorID == "" {
		t.Errorf("printing the form was not audited: %+v", last)
	}
}
