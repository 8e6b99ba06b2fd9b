package forms

import (
	"errors"
	"strings"
	"testing"
	"time"

	"titledesk/data"
)

// TestCertificatePrintsAndVerifies: every field of the certificate is on
// the page, and the QR code poppler draws and zbar reads is the link
// (upper case) to its seal, which verifies as genuine.
func TestCertificatePrintsAndVerifies(t *testing.T) {
	p := render(t, certificate, bureau)
	if len(p.Unprintable) != 0 {
		t.Errorf("unprintable %+v", p.Unprintable)
	}
	text := stripSpace(pdfText(t, p.PDF))
	c := certificate
	for _, w := range []string{"专业技术资格证书", c.CertificateNo, c.AppNo, c.Name, c.IDNumber, c.Series, c.Qualification, c.Level, c.Method,
		"2026年10月12日", "二〇二六年十月十二日", c.Issuer, c.VerifyURL, "扫码核验",
		"经考核认定，李䶮同志具备电力工程电气助理工程师专业技术资格（助理级），特发此证。"} {
		if !strings.Contains(text, stripSpace(w)) {
			t.Errorf("pdftotext lost %q in:\n%s", w, text)
		}
	}
	if strings.Contains(text, "打印时间") {
		t.Error("a certificate carries a print time")
	}
	if !strings.HasPrefix(p.Payload, "TD1.C.KH2026-000123.1.") {
		t.Errorf("payload %q", p.Payload)
	}
	codes := scanQRs(t, p.PDF)
	want := "HTTPS://ZC.EXAMPLE.GOV.CN/V/" + p.Payload
	if len(codes) != 1 || codes[0] != want {
		t.Fatalf("zbarimg read %q, want %q", codes, want)
	}
	parsed, err := ParsePayload(codes[0])
	if err != nil || parsed.String() != p.Payload {
		t.Fatalf("ParsePayload(%q) = %q, %v", codes[0], parsed.String(), err)
	}
	if v := Verify(codes[0], keys, lookupOf(certificate)); v.Status != Genuine || v.Payload.Kind != data.DocCertificate {
		t.Errorf("verdict %v %s", v.Status, v.Message)
	}
	// Without a link the code holds the bare payload, as a form's does.
	bare := certificate
	bare.VerifyURL = ""
	p = render(t, bare, bureau)
	if codes := scanQRs(t, p.PDF); len(codes) != 1 || codes[0] != p.Payload {
		t.Errorf("without a link, zbarimg read %q, want %q", codes, p.Payload)
	}
}

// TestCertificateSameEachPrint: the certificate prints no print time, so
// two prints at different times are the same page.
func TestCertificateSameEachPrint(t *testing.T) {
	a, err := Render(certificate, bureau, printedAt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(certificate, bureau, printedAt.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if pdfText(t, a.PDF) != pdfText(t, b.PDF) || a.Payload != b.Payload {
		t.Error("two prints of one certificate differ")
	}
}

func TestCertificateVerdicts(t *testing.T) {
	p := render(t, certificate, bureau)
	code := sealCode(t, certificate, p.Payload)
	devSealed := render(t, certificate, device)
	renamed := certificate
	renamed.Name = "李岩"
	reissuer := certificate
	reissuer.Issuer = "广东省人力资源和社会保障厅"
	moved := certificate
	moved.VerifyURL = "http://zc2.example.gov.cn/v/"
	revoked := func(at time.Time, why string, doc Document) Lookup {
		return func(kind data.Document, appNo string) (CurrentRecord, bool) {
			rec, ok := lookupOf(doc)(kind, appNo)
			rec.RevokedAt, rec.RevokedWhy = at, why
			return rec, ok
		}
	}
	revokedAt := time.Date(2026, 12, 1, 15, 30, 0, 0, data.Shanghai)
	for _, c := range []struct {
		name, code string
		lookup     Lookup
		want       Status
		says       string
	}{
		{"genuine link", code, lookupOf(certificate), Genuine, "正本有效"},
		{"genuine bare payload", p.Payload, lookupOf(certificate), Genuine, "职称证书"},
		{"the link moved since", code, lookupOf(moved), Genuine, "正本有效"},
		{"device key on a certificate", sealCode(t, certificate, devSealed.Payload), lookupOf(certificate), Forged, "职称证书不应由密钥 DG0417 签章"},
		{"revoked", code, revoked(revokedAt, "以不正当手段取得", certificate), Revoked, "已撤销：该职称证书已于 2026-12-01 被市局撤销（以不正当手段取得）"},
		{"revoked without a reason", code, revoked(revokedAt, "", certificate), Revoked, "已于 2026-12-01 被市局撤销，"},
		{"revoked and changed", code, revoked(revokedAt, "重新发证", renamed), Revoked, "已撤销"},
		{"name changed since", code, lookupOf(renamed), Stale, "已过期"},
		{"issuer changed since", code, lookupOf(reissuer), Stale, "已过期"},
		{"not synced", code, lookupOf(), NoRecord, "没有申请 KH2026-000123 的职称证书记录"},
		{"application form of the same application", code, lookupOf(form), NoRecord, ""},
	} {
		v := Verify(c.code, keys, c.lookup)
		if v.Status != c.want || !strings.Contains(v.Message, c.says) || v.Message == "" {
			t.Errorf("%s: got %v %q, want %v saying %q", c.name, v.Status, v.Message, c.want, c.says)
		}
	}
	// Forms keep their ring.
	if v := Verify(render(t, form, bureau).Payload, keys, lookupOf(form)); v.Status != Genuine {
		t.Errorf("form: %v %s", v.Status, v.Message)
	}
}

func TestCertificateDigestCoversPrintedFields(t *testing.T) {
	for name, change := range map[string]func(*Certificate){
		"number":        func(c *Certificate) { c.CertificateNo = "粤职证字 2026-000124" },
		"application":   func(c *Certificate) { c.AppNo = "KH2026-000124" },
		"name":          func(c *Certificate) { c.Name = "李岩" },
		"ID number":     func(c *Certificate) { c.IDNumber = "441900199001011242" },
		"series":        func(c *Certificate) { c.Series = "农业技术人员" },
		"qualification": func(c *Certificate) { c.Qualification = "电力工程电气工程师" },
		"level":         func(c *Certificate) { c.Level = "中级" },
		"method":        func(c *Certificate) { c.Method = "评审" },
		"issued":        func(c *Certificate) { c.IssuedAt = c.IssuedAt.AddDate(0, 0, 1) },
		"issuer":        func(c *Certificate) { c.Issuer = "广东省人力资源和社会保障厅" },
	} {
		c := certificate
		change(&c)
		if Digest(c) == Digest(certificate) {
			t.Errorf("%s changed: digest unchanged", name)
		}
	}
	moved := certificate
	moved.VerifyURL = ""
	if Digest(moved) != Digest(certificate) {
		t.Error("the verification link is part of the digest")
	}
	// The same day in another zone prints the same date.
	utc := certificate
	utc.IssuedAt = certificate.IssuedAt.Add(3 * time.Hour).UTC()
	if Digest(utc) != Digest(certificate) {
		t.Error("the time of day of issue is part of the digest")
	}
}

func TestParsePayloadURL(t *testing.T) {
	p := render(t, certificate, bureau).Payload
	for _, c := range []struct {
		name, text string
		want       error // nil: parses to p
	}{
		{"as printed", "HTTPS://ZC.EXAMPLE.GOV.CN/V/" + p, nil},
		{"lower case", strings.ToLower("https://zc.example.gov.cn/v/" + p), nil},
		{"scanner Enter", "https://ZC.example.gov.cn/V/" + p + "\r\n", nil},
		{"http", "http://zc.example.gov.cn/v/" + p, nil},
		{"another host and path", "https://10.0.0.5:8443/zcgl/v/" + p, nil},
		{"no /V/", "https://zc.example.gov.cn/verify/" + p, errNotSeal},
		{"payload as a query", "https://zc.example.gov.cn/v?p=" + p, errNotSeal},
		{"no host", "https:///v/" + p, errNotSeal},
		{"space in the address", "https://zc.example .gov.cn/v/" + p, errNotSeal},
		{"another page", "https://zc.example.gov.cn/", errNotSeal},
		{"another link of the path", "https://zc.example.gov.cn/v/index.html", errNotSeal},
		{"ftp", "ftp://zc.example.gov.cn/v/" + p, errNotSeal},
		{"payload cut", "https://zc.example.gov.cn/v/" + p[:60], errCutShort},
		{"cut after the path", "https://zc.example.gov.cn/v/", errCutShort},
		{"cut in the prefix", "https://zc.example.gov.cn/v/TD", errCutShort},
	} {
		got, err := ParsePayload(c.text)
		switch {
		case c.want == nil && (err != nil || got.String() != p):
			t.Errorf("%s: %q, %v", c.name, got.String(), err)
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
	if v := Verify("https://zc.example.gov.cn/v/"+p[:60], keys, lookupOf(certificate)); v.Status != Unreadable || !strings.Contains(v.Message, "没有读全") {
		t.Errorf("cut link: %v %s", v.Status, v.Message)
	}
	if v := Verify("https://zc.example.gov.cn/", keys, lookupOf(certificate)); v.Status != Unreadable || !strings.Contains(v.Message, "不是本系统") {
		t.Errorf("another link: %v %s", v.Status, v.Message)
	}
}

func TestSealURL(t *testing.T) {
	got, err := SealURL(" https://zc.example.gov.cn/zcgl/v/ ", "TD1.X")
	if err != nil || got != "HTTPS://ZC.EXAMPLE.GOV.CN/ZCGL/V/TD1.X" {
		t.Errorf("SealURL = %q, %v", got, err)
	}
	for _, base := range []string{"", "zc.example.gov.cn/v/", "ftp://zc.example.gov.cn/v/", "https://zc.example.gov.cn/verify/",
		"https://zc.example.gov.cn/v", "https:///v/", "https://zc.example.gov.cn/v/?x=/v/", "https://zc_1.example.gov.cn/v/",
		"https://zc.example.gov.cn/证书/v/", "https://zc example/v/"} {
		if _, err := SealURL(base, "TD1.X"); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("%q: err %v", base, err)
		}
	}
	bad := certificate
	bad.VerifyURL = "https://zc.example.gov.cn/verify?id="
	if _, err := Render(bad, bureau, printedAt); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("bad link: err %v", err)
	}
}

func TestCertificateRefusesWhatCannotPrint(t *testing.T) {
	for name, change := range map[string]func(*Certificate){
		"no number": func(c *Certificate) { c.CertificateNo = "" },
		"no date":   func(c *Certificate) { c.IssuedAt = time.Time{} },
		"no issuer": func(c *Certificate) { c.Issuer = "" },
	} {
		c := certificate
		change(&c)
		if _, err := Render(c, bureau, printedAt); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

func TestCertificateUnprintable(t *testing.T) {
	c := certificate
	c.Name = "黄𠮷祥"
	c.Issuer = "东莞市人力资源和社会保障局\u9FEF"
	p := render(t, c, bureau)
	want := []Unprintable{{Field: "name", Label: "姓名", Chars: "𠮷"}, {Field: "issuer", Label: "发证机关", Chars: "\u9FEF"}}
	if len(p.Unprintable) != len(want) || p.Unprintable[0] != want[0] || p.Unprintable[1] != want[1] {
		t.Errorf("unprintable %+v, want %+v", p.Unprintable, want)
	}
	text := stripSpace(pdfText(t, p.PDF))
	if !strings.Contains(text, "黄□祥同志") || !strings.Contains(text, "社会保障局□") {
		t.Errorf("placeholders missing:\n%s", text)
	}
}

// TestCertificateLongValuesStayClear: the longest values the record takes
// keep every word inside the frame and clear of every other, and the seal
// readable.
func TestCertificateLongValuesStayClear(t *testing.T) {
	c := certificate
	c.Name = "阿卜杜热合曼·买买提艾力"
	c.Series = strings.Repeat("工程技术", 10)
	c.Qualification = strings.Repeat("电力工程电气", 6) + "助理工程师"
	c.CertificateNo = strings.Repeat("粤", 20) + "2026-000123"
	c.Issuer = "东莞市人力资源和社会保障局（东莞市职称改革工作领导小组办公室）"
	c.VerifyURL = "https://zhicheng.rsj.dongguan.example.gov.cn/zcgl/zsyz/v/"
	for _, doc := range []Certificate{certificate, c} {
		p := render(t, doc, bureau)
		if n := len(slicesOf(p.ops, opNewPage)); n != 1 {
			t.Fatalf("%d pages", n)
		}
		ws := pdfWords(t, p.PDF)
		in := pt(certFrameInner)
		for i, a := range ws {
			if a.xMin < in || a.yMin < in || a.xMax > pt(pageW)-in || a.yMax > pt(pageH)-in {
				t.Errorf("%q outside the frame: %+v", a.text, a)
			}
			for _, b := range ws[i+1:] {
				if a.xMin < b.xMax-0.5 && b.xMin < a.xMax-0.5 && a.yMin < b.yMax-0.5 && b.yMin < a.yMax-0.5 {
					t.Errorf("%q overlaps %q", a.text, b.text)
				}
			}
		}
		// Nor does any word run onto the seal.
		for _, o := range p.ops {
			if o.kind != opQR {
				continue
			}
			for _, w := range ws {
				if w.xMax > pt(o.x) && w.xMin < pt(o.x+o.w) && w.yMax > pt(o.y) && w.yMin < pt(o.y+o.h) {
					t.Errorf("%q runs onto the seal", w.text)
				}
			}
		}
		if codes := scanQRs(t, p.PDF); len(codes) != 1 || codes[0] != sealCode(t, doc, p.Payload) {
			t.Errorf("zbarimg read %q", codes)
		}
	}
}

func slicesOf(ops []op, kind opKind) []op {
	var out []op
	for _, o := range ops {
		if o.kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func TestCnNumeralDate(t *testing.T) {
	for _, c := range []struct {
		y, m, d int
		want    string
	}{
		{2026, 10, 12, "二〇二六年十月十二日"},
		{2030, 1, 31, "二〇三〇年一月三十一日"},
		{2026, 12, 20, "二〇二六年十二月二十日"},
		{2027, 11, 10, "二〇二七年十一月十日"},
		{2028, 2, 9, "二〇二八年二月九日"},
	} {
		if got := cnNumeralDate(time.Date(c.y, time.Month(c.m), c.d, 0, 0, 0, 0, data.Shanghai)); got != c.want {
			t.Errorf("%d-%d-%d: %s, want %s", c.y, c.m, c.d, got, c.want)
		}
	}
}

func TestCertificateOf(t *testing.T) {
	app := &data.Application{No: "KH2026-000123", Version: 31, Form: data.Form{
		Series: "工程技术人员", Qualification: "电力工程电气助理工程师", Level: "助理级", Method: data.MethodAssessment,
		Name: "李䶮", IDNumber: "441900199001011234"}}
	if _, err := Render(CertificateOf(app, certificate.Issuer, verifyURL), bureau, printedAt); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("uncertified application: err %v", err)
	}
	app.Certificate = &data.Certificate{No: certificate.CertificateNo, IssuedAt: certificate.IssuedAt}
	got := CertificateOf(app, certificate.Issuer, verifyURL)
	if got != certificate {
		t.Errorf("CertificateOf = %+v\nwant %+v", got, certificate)
	}
	if VersionOf(got) != 1 {
		t.Errorf("version %d, want 1 whatever the application's", VersionOf(got))
	}
}

// TestCertificateRecord: a certificate printed from the application
// verifies against CertificateRecord of it, and answers 已撤销 once the
// bureau revokes it.
func TestCertificateRecord(t *testing.T) {
	app := &data.Application{No: "KH2026-000123", Version: 31, Form: data.Form{
		Series: "工程技术人员", Qualification: "电力工程电气助理工程师", Level: "助理级", Method: data.MethodAssessment,
		Name: "李䶮", IDNumber: "441900199001011234"}}
	lookup := func(kind data.Document, appNo string) (CurrentRecord, bool) {
		if kind != data.DocCertificate || appNo != app.No {
			return CurrentRecord{}, false
		}
		return CertificateRecord(app)
	}
	if _, ok := CertificateRecord(app); ok {
		t.Error("a record for an uncertified application")
	}
	app.Certificate = &data.Certificate{No: "", IssuedAt: certificate.IssuedAt}
	if _, ok := CertificateRecord(app); ok {
		t.Error("a record for a certificate not numbered yet")
	}
	app.Certificate.No = certificate.CertificateNo
	p := render(t, CertificateOf(app, data.CertificateIssuer, verifyURL), bureau)
	code := sealCode(t, certificate, p.Payload)
	if v := Verify(code, keys, lookup); v.Status != Genuine {
		t.Errorf("%v %s", v.Status, v.Message)
	}
	app.Version++ // the application moves on; the certificate does not
	if v := Verify(code, keys, lookup); v.Status != Genuine {
		t.Errorf("after a change of version: %v %s", v.Status, v.Message)
	}
	app.Name = "李岩"
	if v := Verify(code, keys, lookup); v.Status != Stale {
		t.Errorf("after a change of name: %v %s", v.Status, v.Message)
	}
	app.Name = "李䶮"
	app.Certificate.RevokedAt, app.Certificate.RevokedWhy = time.Date(2026, 12, 1, 10, 0, 0, 0, data.Shanghai), "以不正当手段取得"
	if v := Verify(code, keys, lookup); v.Status != Revoked || v.Message != "已撤销：该职称证书已于 2026-12-01 被市局撤销（以不正当手段取得），不再有效" {
		t.Errorf("revoked: %v %s", v.Status, v.Message)
	}
}
