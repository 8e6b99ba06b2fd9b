package portal

import (
	"crypto/ed25519"
	"strings"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/forms"
)

// certificateCheck is what 证书查询 answers: for a certificate number and
// the holder's name, or for a certificate's QR code (scanned by a phone,
// which opens /V/<payload>, or pasted). Anyone may ask; the answer shows the
// holder's identity number masked.
type certificateCheck struct {
	No, Name, Code string // what was asked
	Asked          bool
	// Verdict: genuine, revoked, notfound, forged, stale, unreadable.
	Verdict string
	Message string
	Cert    *certificateFacts
}

// certificateFacts are the certificate as 证书查询 shows it.
type certificateFacts struct {
	No, Name, IDNumber, Series, Qualification, Level, Method, Issuer string
	IssuedAt, RevokedAt                                              time.Time
	RevokedWhy                                                       string
}

func factsOf(a *data.Application) *certificateFacts {
	c := a.Certificate
	return &certificateFacts{No: c.No, Name: a.Name, IDNumber: data.MaskIDNumber(a.IDNumber), Series: a.Series, Qualification: a.Qualification,
		Level: a.Level, Method: a.Method.Label(), Issuer: data.CertificateIssuer, IssuedAt: c.IssuedAt, RevokedAt: c.RevokedAt, RevokedWhy: c.RevokedWhy}
}

// certificatePage is 证书查询: the query form, and the answer when asked.
func (p *Portal) certificatePage(rq *request) error {
	q := rq.r.URL.Query()
	c := &certificateCheck{No: strings.TrimSpace(q.Get("no")), Name: strings.TrimSpace(q.Get("name")), Code: strings.TrimSpace(q.Get("code"))}
	switch {
	case c.Code != "":
		p.checkCode(rq, c)
	case c.No != "" || c.Name != "":
		p.checkNumber(rq, c)
	}
	p.render(rq, "certificate", "证书查询", c, nil)
	return nil
}

// verifyCode is the page a phone opens from a certificate's QR code.
func (p *Portal) verifyCode(rq *request) error {
	c := &certificateCheck{Code: rq.r.PathValue("payload")}
	p.checkCode(rq, c)
	p.render(rq, "certificate", "证书查询", c, nil)
	return nil
}

// checkNumber answers a number and a name: both must match one certificate
// (a number alone would tell anyone whose it is).
func (p *Portal) checkNumber(rq *request, c *certificateCheck) {
	c.Asked = true
	if c.No == "" || c.Name == "" {
		c.Verdict, c.Message = "notfound", "请同时填写证书编号和持证人姓名"
		return
	}
	a, err := p.db.CertificateHolder(rq.ctx(), c.No)
	switch {
	case data.ErrorCode(err) == data.ENOTFOUND || err == nil && a.Name != c.Name:
		c.Verdict, c.Message = "notfound", "没有与该证书编号和姓名相符的职称证书，请核对后重新输入"
	case err != nil:
		p.log.Error("certificate lookup", "err", err)
		c.Verdict, c.Message = "unreadable", "查询暂时无法完成，请稍后再试"
	case !a.Certificate.RevokedAt.IsZero():
		c.Verdict, c.Message, c.Cert = "revoked", revokedText(a.Certificate), factsOf(a)
	default:
		c.Verdict, c.Message, c.Cert = "genuine", "该证书由"+data.CertificateIssuer+"颁发，在有效期内", factsOf(a)
	}
}

// checkCode verifies a certificate's seal against the bureau's keys and
// the record, as a desk does offline (forms.Verify).
func (p *Portal) checkCode(rq *request, c *certificateCheck) {
	c.Asked = true
	keys, err := p.db.BureauKeys(rq.ctx())
	if err != nil {
		p.log.Error("certificate keys", "err", err)
		c.Verdict, c.Message = "unreadable", "查询暂时无法完成，请稍后再试"
		return
	}
	ring := forms.KeyRing{Bureau: map[string]ed25519.PublicKey{}}
	for kid, k := range keys {
		ring.Bureau[kid] = k
	}
	var holder *data.Application
	v := forms.Verify(c.Code, ring, func(kind data.Document, appNo string) (forms.CurrentRecord, bool) {
		if kind != data.DocCertificate {
			return forms.CurrentRecord{}, false
		}
		a, err := p.db.ApplicationByNo(rq.ctx(), appNo)
		if err != nil {
			return forms.CurrentRecord{}, false
		}
		rec, ok := forms.CertificateRecord(a)
		if ok {
			holder = a
		}
		return rec, ok
	})
	switch {
	case v.Status == forms.Genuine && v.Payload.Kind != data.DocCertificate:
		c.Verdict, c.Message = "unreadable", "这是本系统的"+v.Payload.Kind.Label()+"，不是职称证书：请扫描证书上的二维码"
	case v.Status == forms.Genuine:
		c.Verdict, c.Message, c.Cert = "genuine", "该证书由"+data.CertificateIssuer+"颁发，二维码签章有效，内容与登记一致", factsOf(holder)
	case v.Status == forms.Revoked && holder != nil:
		c.Verdict, c.Message, c.Cert = "revoked", revokedText(holder.Certificate), factsOf(holder)
	case v.Status == forms.NoRecord && v.Payload.Kind != data.DocCertificate:
		c.Verdict, c.Message = "unreadable", "这不是职称证书的二维码：请扫描证书上的二维码"
	case v.Status == forms.NoRecord:
		c.Verdict, c.Message = "notfound", "签章有效，但没有这张证书的登记"
	case v.Status == forms.Stale:
		c.Verdict, c.Message = "stale", "证书上的信息与登记不符：证书被改动过，请以下面的登记为准"
		if holder != nil {
			c.Cert = factsOf(holder)
		}
	case v.Status == forms.Unreadable:
		c.Verdict, c.Message = "unreadable", strings.Replace(v.Message, "文书", "证书", 1)
	default: // forged, or a key the bureau never had
		c.Verdict, c.Message = "forged", "二维码不是本局签发的，或其内容被改动过：不能作为证书的凭证"
	}
}

func revokedText(c *data.Certificate) string {
	return "该证书已于 " + c.RevokedAt.In(data.Shanghai).Format("2006-01-02") + " 被" + data.CertificateIssuer + "撤销，原因：" + c.RevokedWhy + "。不能作为取得该资格的凭证"
}

// certificatePDF sends the applicant's certificate, sealed with the
// bureau's key; its QR code opens 证书查询 on this server. The download is
// recorded as a print.
func (p *Portal) certificatePDF(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	if p.SealKey == nil {
		return data.Errorf(data.EINTERNAL, "本服务器未配置签章密钥，暂不能下载证书")
	}
	now := p.Now()
	cal, err := p.db.Calendar(rq.ctx())
	if err != nil {
		return err
	}
	// The state machine decides whether it may be printed: certified, not revoked.
	cmd := data.Command{ID: uuid.NewString(), Action: data.ActionPrint, Document: data.DocCertificate, ApplicationID: app.ID, Actor: p.actor(rq)}
	if _, err := p.db.Apply(rq.ctx(), cmd, data.Env{Now: now, Calendar: cal}); err != nil {
		return err
	}
	pub := p.SealKey.Public().(ed25519.PublicKey)
	base := strings.TrimSuffix(p.PublicURL, "/")
	if base == "" {
		base = "https://" + rq.r.Host
	}
	doc := forms.CertificateOf(app, data.CertificateIssuer, base+"/V/")
	printed, err := forms.Render(doc, forms.Sealer{KeyID: data.KeyID(pub), Key: p.SealKey}, now)
	if err != nil {
		return err
	}
	rq.w.Header().Set("Content-Type", "application/pdf")
	rq.w.Header().Set("Content-Disposition", `attachment; filename="zhengshu-`+app.No+`.pdf"`)
	_, err = rq.w.Write(printed.PDF)
	return err
}
