package forms

import (
	"crypto/ed25519"

	"titledesk/data"
)

// FormOf is the 申报表 of an application as sealed at version: one mapping
// for the server that seals it, the portal that prints it and the
// workstation that checks a scanned one against its record.
func FormOf(app *data.Application, pointName string, version int64) ApplicationForm {
	f := ApplicationForm{
		AppNo: app.No, Version: int(version),
		Name: app.Name, Gender: genderOf(app.IDNumber), IDNumber: app.IDNumber, Mobile: app.Mobile,
		Unit: app.UnitName, UnitCode: app.UnitCreditCode,
		Series: app.Series, Qualification: app.Qualification, Level: app.Level, LiaisonPoint: pointName,
		Education: app.Education, Major: app.Major, WorkingYears: app.WorkingYears,
		UnitOpinion: app.UnitOpinion, PublicityFrom: app.Publicity.Start, PublicityTo: app.Publicity.End,
		SubmittedAt: app.SubmittedAt,
	}
	for _, d := range app.Decisions {
		if d.Action == data.ActionBureauPass {
			f.ApprovedAt = d.At
		}
	}
	for _, a := range app.Attachments {
		f.Materials = append(f.Materials, a.Kind)
	}
	return f
}

// genderOf reads the sex from an identity number: its 17th digit is odd
// for men.
func genderOf(id string) string {
	if len(id) != 18 || id[16] < '0' || id[16] > '9' {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// SealForm seals the application form at the application's current
// version and returns the QR payload, as the server does at bureau_pass.
func SealForm(app *data.Application, pointName, keyID string, key ed25519.PrivateKey) (string, error) {
	return Seal(data.DocForm, app.No, int(app.Version), Digest(FormOf(app, pointName, app.Version)), keyID, key)
}

// FormSealer is SealForm with the bureau's key, as the store calls it.
func FormSealer(keyID string, key ed25519.PrivateKey) func(app *data.Application, pointName string) (string, error) {
	return func(app *data.Application, pointName string) (string, error) {
		return SealForm(app, pointName, keyID, key)
	}
}

// VersionOf is the application version a document is issued at, as its
// seal carries it (1 for a certificate, which never changes).
func VersionOf(doc Document) int { return doc.sheet().version }

// CertificateOf is the 职称证书 of a certified application, issued by issuer
// (发证机关), its seal printed as a link to verifyURL when that is set (see
// Certificate.VerifyURL): one mapping for the server that seals it, the
// portal that prints it and the workstation that checks a scanned one
// against its record. An application not certified yet gives a certificate
// without number or date, which Render refuses.
func CertificateOf(app *data.Application, issuer, verifyURL string) Certificate {
	c := Certificate{
		AppNo: app.No, Name: app.Name, IDNumber: app.IDNumber,
		Series: app.Series, Qualification: app.Qualification, Level: app.Level, Method: app.Method.Label(),
		Issuer: issuer, VerifyURL: verifyURL,
	}
	if app.Certificate != nil {
		c.CertificateNo, c.IssuedAt = app.Certificate.No, app.Certificate.IssuedAt
	}
	return c
}

// CertificateRecord is what a certificate's seal is checked against (see
// Verify): the application's certificate as CertificateOf prints it with
// data.CertificateIssuer, at version 1, with its revocation if the bureau
// revoked it. ok is false when the application has no numbered
// certificate.
func CertificateRecord(app *data.Application) (rec CurrentRecord, ok bool) {
	c := app.Certificate
	if c == nil || c.No == "" {
		return CurrentRecord{}, false
	}
	doc := CertificateOf(app, data.CertificateIssuer, "")
	return CurrentRecord{Version: VersionOf(doc), Digest: Digest(doc), At: c.IssuedAt, RevokedAt: c.RevokedAt, RevokedWhy: c.RevokedWhy}, true
}
