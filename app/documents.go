package app

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"

	"titledesk/data"
	"titledesk/forms"
)

// versionAfter is the application's version right after the last decision
// with action, 0 if there is none: versions start at 1 and every decision
// raises them by one.
func versionAfter(a *data.Application, action data.Action) (int, *data.Decision) {
	for i := len(a.Decisions) - 1; i >= 0; i-- {
		if a.Decisions[i].Action == action {
			return i + 2, &a.Decisions[i]
		}
	}
	return 0, nil
}

// decidedAt is when the application reached version: every decision
// raises it by one from 1, so Decisions[version-2] made it.
func decidedAt(a *data.Application, version int) time.Time {
	if i := version - 2; i >= 0 && i < len(a.Decisions) {
		return a.Decisions[i].At
	}
	return a.CreatedAt
}

// pointName is the name of the application's liaison point.
func (d *Desk) pointName(ctx context.Context, id string) string {
	p, err := d.Store.LiaisonPoint(ctx, id)
	if err != nil {
		return ""
	}
	return p.Name
}

// document builds a printed document of kind from the application as it
// stands; the same mapping serves printing and checking a scanned seal.
// ok is false when the application has no such document (yet).
func (d *Desk) document(ctx context.Context, a *data.Application, kind data.Document) (doc forms.Document, sealedBy string, ok bool) {
	point := d.pointName(ctx, a.LiaisonPointID)
	switch kind {
	case data.DocForm:
		p, err := forms.ParsePayload(a.FormSeal)
		if err != nil {
			return nil, "", false
		}
		return forms.FormOf(a, point, int64(p.Version)), a.FormSeal, true
	case data.DocReceipt:
		v, dec := versionAfter(a, data.ActionPaperAccept)
		if dec == nil {
			return nil, "", false
		}
		r := forms.Receipt{ReceiptNo: fmt.Sprintf("R-%s-%d", a.No, v), AppNo: a.No, Version: v, Name: a.Name, IDNumber: a.IDNumber,
			Qualification: a.Qualification, Level: a.Level, LiaisonPoint: point, Clerk: dec.ActorName, Date: dec.At}
		for _, at := range a.Attachments {
			r.Materials = append(r.Materials, forms.ReceivedMaterial{Name: at.Kind, Originals: 1, Copies: 1, Note: at.CheckNote})
		}
		return r, "", true
	case data.DocNotice:
		v, dec := versionAfter(a, data.ActionPaperDeficient)
		if dec == nil {
			return nil, "", false
		}
		n := forms.DeficiencyNotice{NoticeNo: fmt.Sprintf("D-%s-%d", a.No, v), AppNo: a.No, Version: v, Name: a.Name, IDNumber: a.IDNumber,
			Qualification: a.Qualification, Level: a.Level, LiaisonPoint: point, WorkingDays: data.SupplementWorkingDays,
			Deadline: a.SupplementDeadline, Clerk: dec.ActorName, Date: dec.At}
		n.Deficiencies = deficiencies(a, dec)
		return n, "", true
	case data.DocPayment:
		v, dec := versionAfter(a, data.ActionPaperAccept)
		if dec == nil || a.Notice == nil {
			return nil, "", false
		}
		fin, err := d.Store.Finance(ctx)
		if err != nil {
			return nil, "", false
		}
		n := a.Notice
		return forms.PaymentNotice{NoticeNo: n.No, PaymentCode: n.PayCode, AppNo: a.No, Version: v,
			Payer: a.Name, PayerID: a.IDNumber, Item: fin.Item, Amount: n.Amount, Payee: cmp.Or(n.Payee, fin.Payee), Due: n.Due, PayURL: n.PayURL,
			Flow: fin.Flow, Issuer: point, Clerk: dec.ActorName, Date: n.IssuedAt}, "", true
	case data.DocCertificate:
		if c := a.Certificate; c == nil || c.No == "" {
			return nil, "", false
		}
		return forms.CertificateOf(a, data.CertificateIssuer, ""), "", true
	}
	return nil, "", false
}

// deficiencies are the 一次性告知书's rows: each material the counter
// marked, with its result and the clerk's note on it, then each further
// reason ticked, under 其他 (no material shows it), the decision's note on
// the first of them or on a row of its own.
func deficiencies(a *data.Application, dec *data.Decision) []forms.Deficiency {
	var rows []forms.Deficiency
	for _, at := range a.Attachments {
		if at.Check == data.CheckMismatch || at.Check == data.CheckMissing {
			rows = append(rows, forms.Deficiency{Material: at.Kind, Reason: at.Check.Label(), Note: at.CheckNote})
		}
	}
	note := dec.Note
	for _, r := range dec.Reasons {
		rows = append(rows, forms.Deficiency{Material: "其他", Reason: r, Note: note})
		note = ""
	}
	if note != "" {
		rows = append(rows, forms.Deficiency{Material: "其他", Reason: "补充说明", Note: note})
	}
	return rows
}

// Prepare renders a document of the application and keeps it under
// printed/, for the preview; SendToPrinter prints it.
func (d *Desk) Prepare(ctx context.Context, applicationID string, kind data.Document) (*Printout, error) {
	v, err := d.View(ctx, applicationID)
	if err != nil {
		return nil, err
	}
	doc, payload, ok := d.document(ctx, &v.Application, kind)
	if !ok {
		return nil, data.Errorf(data.EINVALID, "申请 %s 目前没有%s可打印", v.No, kind.Label())
	}
	d.mu.Lock()
	sealer := forms.Sealer{Payload: payload, Key: d.key}
	if d.key != nil {
		sealer.KeyID = data.KeyID(d.key.Public().(ed25519.PublicKey))
	}
	d.mu.Unlock()
	now := d.Now()
	p, err := forms.Render(doc, sealer, now)
	if err != nil {
		return nil, err
	}
	return d.keep(p, kind.Label(), applicationID, kind, fmt.Sprintf("%s-%s-%s.pdf", v.No, kind.Label(), now.In(data.Shanghai).Format("20060102-150405")))
}

// ScanResult is what the scan box found.
type ScanResult struct {
	// Verdict is set when a QR payload was scanned.
	Verdict *forms.Verdict
	// View is the application, when one was found (never for a forged code).
	View *View
}

// Scan takes what the scan box received: an application number or a QR
// payload. A payload is verified offline before anything else is shown.
func (d *Desk) Scan(ctx context.Context, text string) (*ScanResult, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, data.Errorf(data.EINVALID, "请扫描二维码或输入申请编号")
	}
	// An application number is typed; anything else is a scanned code,
	// ours (TD1.…) or another (a payment code's link), which the verdict
	// names.
	if !strings.HasPrefix(strings.ToUpper(text), "TD1.") && !strings.Contains(text, "://") {
		a, err := d.Store.ApplicationByNo(ctx, strings.ToUpper(text))
		if err != nil {
			return nil, err
		}
		v, err := d.View(ctx, a.ID)
		return &ScanResult{View: v}, err
	}
	ring, err := d.keyRing(ctx)
	if err != nil {
		return nil, err
	}
	var found *View
	verdict := forms.Verify(text, ring, func(kind data.Document, appNo string) (forms.CurrentRecord, bool) {
		a, err := d.Store.ApplicationByNo(ctx, appNo)
		if err != nil {
			return forms.CurrentRecord{}, false
		}
		v, err := d.View(ctx, a.ID)
		if err != nil {
			return forms.CurrentRecord{}, false
		}
		found = v
		if kind == data.DocCertificate {
			return forms.CertificateRecord(&v.Application) // revoked or not, as 证书查询 answers
		}
		doc, _, ok := d.document(ctx, &v.Application, kind)
		if !ok {
			return forms.CurrentRecord{}, false
		}
		version := forms.VersionOf(doc)
		return forms.CurrentRecord{Version: version, Digest: forms.Digest(doc), At: decidedAt(&v.Application, version)}, true
	})
	res := &ScanResult{Verdict: &verdict}
	if verdict.Status != forms.Forged && verdict.Status != forms.Unreadable {
		res.View = found
	}
	return res, nil
}

// keyRing holds the bureau key and every device key synced here.
func (d *Desk) keyRing(ctx context.Context) (forms.KeyRing, error) {
	d.mu.Lock()
	id, key := d.id, d.key
	d.mu.Unlock()
	ring := forms.KeyRing{Bureau: map[string]ed25519.PublicKey{}, Devices: map[string]ed25519.PublicKey{}}
	if id == nil {
		return ring, data.Errorf(data.EUNAUTHORIZED, "本工作站尚未注册，无法核验二维码")
	}
	ring.Bureau[id.BureauKeyID] = id.BureauPublicKey
	// Keys the bureau rotated to since this desk enrolled, and those it retired.
	bureau, err := d.Store.BureauKeys(ctx)
	if err != nil {
		return ring, err
	}
	for kid, k := range bureau {
		ring.Bureau[kid] = k
	}
	keys, revoked, err := d.Store.DeviceKeys(ctx)
	if err != nil {
		return ring, err
	}
	for kid, k := range keys {
		ring.Devices[kid] = k
	}
	ring.Revoked = revoked
	if key != nil {
		pub := key.Public().(ed25519.PublicKey)
		ring.Devices[data.KeyID(pub)] = pub
	}
	return ring, nil
}
