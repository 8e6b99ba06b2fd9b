package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"titledesk/data"
)

var screenshots = flag.Bool("screenshots", false, "write the portal's screenshots to docs/screenshots")

const chromiumPath = "/usr/bin/chromium"

// chromium starts one headless Chromium for the test that trusts only the
// server's certificate (by its public key), as a browser that had accepted
// it would.
func chromium(t *testing.T, certFile string) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the portal tests need Debian's chromium (make deps-test installs it): %v", err)
	}
	b, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	spki := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("ignore-certificate-errors-spki-list", base64.StdEncoding.EncodeToString(spki[:])),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// person is one browser profile (its own cookies) on the portal.
type person struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func newPerson(t *testing.T, browser context.Context, base string) *person {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run opens the tab, which lives as long as that run's
	// context: it must be this one, without the timeout of later steps.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &person{t: t, ctx: ctx, base: base}
}

func (p *person) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v\npage: %s", err, p.text())
	}
}

func (p *person) open(path string) { p.t.Helper(); p.do(chromedp.Navigate(p.base + path)) }

// text is what the page's main part says.
func (p *person) text() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body || {innerText: ""}).innerText`))
	return s
}

// click presses a button that posts a form, marking the page so that
// expect waits for the next one.
func (p *person) click(sel string) {
	p.t.Helper()
	p.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.tdOld = true`)(ctx, t)
		return err
	}), chromedp.Click(chromedp.CSS(sel)))
}

// expect waits until a page newer than the last click says want.
func (p *person) expect(want string) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		old, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.tdOld === true`))
		cancel()
		got := p.text()
		if !old && strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("page does not say %q:\n%s", want, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fill sets form fields by name and presses the form's button.
func (p *person) fill(form string, fields map[string]string) {
	p.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for name, v := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(form+` [name="`+name+`"]`), v))
	}
	p.do(steps...)
	p.click(form + ` button`)
}

func (p *person) shot(name string) {
	p.t.Helper()
	if !*screenshots {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", "portal-"+name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// newApplication starts a 新申报 at a liaison point and returns its ID.
func (p *person) newApplication(b *bureau, point, series, qualification, level string) string {
	p.t.Helper()
	lp, err := b.store(p.t).LiaisonPointByCode(context.Background(), point)
	if err != nil {
		p.t.Fatal(err)
	}
	p.open("/applications/new")
	p.fill(`form[action="/applications/new"]`, map[string]string{"series": series, "qualification": qualification, "level": level, "liaison_point": lp.ID})
	p.expect("已创建申报")
	loc, _ := chromedp.Run(p.ctx, chromedp.Location())
	m := applicationURL.FindStringSubmatch(strings.Split(loc, "?")[0])
	if m == nil {
		p.t.Fatalf("not on an application page: %s", loc)
	}
	return m[1]
}

// registerApplicant registers with the fields of the registration form,
// logs in and, when profile is given, completes 人才信息管理.
func (p *person) registerApplicant(fields, profile map[string]string) {
	p.t.Helper()
	fields["password2"] = fields["password"]
	p.open("/register/applicant")
	p.fill(`form[action="/register/applicant"]`, fields)
	p.expect("注册成功")
	p.fill(`form[action="/login"]`, map[string]string{"login": fields["login"], "password": fields["password"]})
	p.expect("新申报")
	if profile != nil {
		p.open("/profile")
		p.fill(`form[action="/profile"]`, profile)
		p.expect("个人信息已保存")
	}
}

// scanFile writes a colour JPEG "scan" of a document.
func scanFile(t *testing.T, dir, name string, tint uint8) string {
	img := image.NewRGBA(image.Rect(0, 0, 620, 440))
	for y := 0; y < 440; y++ {
		for x := 0; x < 620; x++ {
			c := color.RGBA{245, 240, 228, 255}
			if x > 40 && x < 580 && y > 40 && y < 400 && (y/24)%2 == 0 && x%90 < 80 {
				c = color.RGBA{60 + tint, 70, 120 - tint/2, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 85})
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// browsedBureau is a bureau served on loopback with a Chromium that trusts
// it; a failing test shows the server's log.
func browsedBureau(t *testing.T) (*bureau, *server, context.Context) {
	b := newBureau(t)
	srv := startServer(t, b.dir)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", srv.log)
		}
	})
	return b, srv, chromium(t, filepath.Join(b.dir, "tls", "cert.pem"))
}

var applicationURL = regexp.MustCompile(`/applications/([0-9a-f-]{36})$`)

// TestPortalInChromium walks steps 1–3 of the bureau's guide in a real
// browser against the real server, with the bad paths beside them, and
// checks that the approved application reaches its liaison point's feed.
func TestPortalInChromium(t *testing.T) {
	b, srv, browser := browsedBureau(t)
	files := t.TempDir()
	creditCode := data.MakeCreditCode("91441900MA4UMH0X1")

	// Step 1: the unit registers; the bureau approves it.
	unit := newPerson(t, browser, srv.url)
	unit.open("/register/unit")
	unit.do(chromedp.SetValue(chromedp.CSS(`[name=name]`), "东莞市明辉电力工程有限公司"),
		chromedp.SetValue(chromedp.CSS(`[name=credit_code]`), creditCode),
		chromedp.SetValue(chromedp.CSS(`[name=contact_name]`), "黄丽"),
		chromedp.SetValue(chromedp.CSS(`[name=contact_mobile]`), "13922001100"),
		chromedp.SetValue(chromedp.CSS(`[name=login]`), "minghui"))
	unit.shot("register-unit")
	unit.fill(`form[action="/register/unit"]`, map[string]string{"password": "单位密码2026", "password2": "单位密码2026"})
	unit.expect("等待市人力资源局审核")
	if out := mustCLI(t, "", "admin", "unit-list", "-data", b.dir); !strings.Contains(out, "待审核") {
		t.Fatalf("unit-list: %s", out)
	}
	mustCLI(t, "", "admin", "unit-approve", "-data", b.dir, "-credit-code", creditCode)

	// Step 1 again: the applicant registers under the unit and completes his
	// personal information (人才信息管理).
	idNumber := data.MakeIDNumber("441900", time.Date(1991, 5, 18, 0, 0, 0, 0, data.Shanghai), 35)
	zhang := newPerson(t, browser, srv.url)
	zhang.registerApplicant(map[string]string{"name": "张伟", "id_number": idNumber, "mobile": "13800138000",
		"unit_credit_code": creditCode, "login": "zhangwei", "password": "个人密码2026"},
		map[string]string{"education": "大学本科", "major": "电气工程及其自动化", "working_years": "6"})

	// A forged CSRF token is refused and changes nothing.
	zhang.do(chromedp.SetAttributeValue(chromedp.CSS(`form[action="/profile"] [name=csrf]`), "value", "forged-token"))
	zhang.fill(`form[action="/profile"]`, map[string]string{"major": "伪造的专业"})
	zhang.expect("安全校验未通过")

	// Step 2: a new application (新申报), its scans, 送审.
	appID := zhang.newApplication(b, "DLXH", "工程技术人员", "电力工程电气助理工程师", "助理级")

	notImage := filepath.Join(files, "学历证书.jpg")
	os.WriteFile(notImage, []byte("这不是图片，只是改了扩展名的文本文件"), 0o644)
	zhang.do(chromedp.SetValue(chromedp.CSS(`[name=kind]`), "学历证书"), chromedp.SetUploadFiles(chromedp.CSS(`[name=file]`), []string{notImage}))
	zhang.click(`form.upload button`)
	zhang.expect("“学历证书.jpg”不是有效的 JPEG 或 PNG 图片")
	zhang.shot("upload-refused")

	required, err := b.store(t).RequiredMaterials(context.Background(), "助理级")
	if err != nil {
		t.Fatal(err)
	}
	for i, kind := range required {
		scan := scanFile(t, files, "scan"+string(rune('a'+i))+".jpg", uint8(i*25))
		zhang.do(chromedp.SetValue(chromedp.CSS(`[name=kind]`), kind), chromedp.SetUploadFiles(chromedp.CSS(`[name=file]`), []string{scan}))
		zhang.click(`form.upload button`)
		zhang.expect("材料已上传")
	}
	zhang.shot("application-draft")
	zhang.click(`form[action$="/submit"] button`)
	zhang.expect("已送审")
	zhang.open("/applications")
	zhang.expect("待单位审核")
	zhang.shot("applications")

	// Another applicant of the same unit cannot open it by its URL.
	li := newPerson(t, browser, srv.url)
	li.registerApplicant(map[string]string{"name": "李娜", "id_number": data.MakeIDNumber("441900", time.Date(1993, 2, 1, 0, 0, 0, 0, data.Shanghai), 12),
		"mobile": "13800138001", "unit_credit_code": creditCode, "login": "lina", "password": "个人密码2027"}, nil)
	li.open("/applications/" + appID)
	li.expect("找不到该申请")
	if txt := li.text(); strings.Contains(txt, "张伟") || strings.Contains(txt, "电力工程电气助理工程师") {
		t.Errorf("another applicant sees the application:\n%s", txt)
	}

	// Step 3: the unit reviews; a publicity period under 5 working days is
	// refused, a proper one approves.
	unit.open("/login")
	unit.fill(`form[action="/login"]`, map[string]string{"login": "minghui", "password": "单位密码2026"})
	unit.expect("个人职称审核管理")
	unit.expect("张伟")
	unit.shot("unit-queue")
	unit.open("/unit/applications/" + appID)
	cal := data.DefaultCalendar()
	today := time.Now()
	short := map[string]string{"opinion": "经审核，该同志所填信息及所交材料真实，同意申报。",
		"publicity_start": must(cal.AddWorkingDays(today, -4)).Format(time.DateOnly), "publicity_end": must(cal.AddWorkingDays(today, -2)).Format(time.DateOnly)}
	unit.fill(`form[action$="/approve"]`, short)
	unit.expect("公示期只有3个工作日，应不少于5个工作日")
	unit.shot("unit-review")
	unit.fill(`form[action$="/approve"]`, map[string]string{"publicity_start": must(cal.AddWorkingDays(today, -8)).Format(time.DateOnly),
		"publicity_end": must(cal.AddWorkingDays(today, -2)).Format(time.DateOnly)})
	unit.expect("已审核通过")

	zhang.open("/applications/" + appID)
	zhang.expect("待联络点初审")

	// The application is in the liaison point's change feed, as approved.
	dev := b.enroll(t, srv.url, "clerk", "DLXH")
	var found *data.Application
	for _, c := range dev.pullAll(t)[data.ChangeApplication] {
		var a data.Application
		if err := json.Unmarshal(c.Data, &a); err != nil {
			t.Fatal(err)
		}
		if a.ID == appID {
			found = &a
		}
	}
	switch {
	case found == nil:
		t.Fatal("the approved application is not in the liaison point's feed")
	case found.Status != data.StatusLiaisonReview || found.UnitOpinion != short["opinion"] || len(found.Attachments) != len(required) || found.WorkingYears != 6:
		t.Errorf("pulled application: %s %q, %d scans, %d years", found.Status, found.UnitOpinion, len(found.Attachments), found.WorkingYears)
	}

	// Steps 4–5 on the workstations, then the applicant prints the form.
	chen := clerkActor(t, b.store(t), "chen")
	if r := dev.push(t, data.Command{Action: data.ActionLiaisonPass, ApplicationID: appID, ExpectedVersion: found.Version, Actor: chen}); r.State != data.StateApplied {
		t.Fatalf("liaison pass: %+v", r)
	}
	reviewer := b.enroll(t, srv.url, "bureau", "")
	if r := reviewer.push(t, data.Command{Action: data.ActionBureauPass, ApplicationID: appID, ExpectedVersion: found.Version + 1,
		Actor: clerkActor(t, b.store(t), "wang")}); r.State != data.StateApplied {
		t.Fatalf("bureau pass: %+v", r)
	}
	zhang.open("/applications/" + appID)
	zhang.expect("下载申报表")
	zhang.expect("原件及复印件")
	zhang.shot("application-passed")
	zhang.do(chromedp.EmulateViewport(390, 844))
	zhang.shot("application-passed-phone")
	zhang.open("/applications")
	zhang.shot("applications-phone")
}
