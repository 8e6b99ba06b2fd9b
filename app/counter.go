package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
)

// NoticeNumbers issues the number and payment code (缴款码) of a payment
// notice. In production they come from the finance bureau's non-tax revenue
// system; the default numbers them on the device, unique without a server.
type NoticeNumbers interface {
	Next(ctx context.Context, a *data.Application, at time.Time) (no, payCode string, err error)
}

// DeviceNumbers is the default NoticeNumbers.
type DeviceNumbers struct{ Desk *Desk }

func (n DeviceNumbers) Next(ctx context.Context, a *data.Application, at time.Time) (string, string, error) {
	dev := n.Desk.Device()
	if dev == nil {
		return "", "", data.Errorf(data.EUNAUTHORIZED, "本工作站尚未注册")
	}
	p, err := n.Desk.Store.LiaisonPoint(ctx, dev.LiaisonPointID)
	if err != nil {
		return "", "", err
	}
	seq, err := n.Desk.Store.NextCounter(ctx, data.NumberCounter(data.SeriesNotice, at))
	if err != nil {
		return "", "", err
	}
	no := data.DocumentNo(data.DocPayment, p.Code, dev.Code, at, seq)
	parsed, _ := data.ParseDeviceNumber(no)
	return no, parsed.PayCode(), nil
}

// Accept takes the paper materials: every attachment checked, a payment
// notice issued for the level's fee. It prints the 受理回执 and the 缴款通知书.
func (d *Desk) Accept(ctx context.Context, applicationID string, checks []data.AttachmentCheck, numbers NoticeNumbers) (*View, []*Printout, error) {
	v, err := d.View(ctx, applicationID)
	if err != nil {
		return nil, nil, err
	}
	amount, err := d.Store.Fee(ctx, v.Level)
	if err != nil {
		return nil, nil, err
	}
	if numbers == nil {
		numbers = DeviceNumbers{d}
	}
	now := d.Now()
	no, code, err := numbers.Next(ctx, &v.Application, now)
	if err != nil {
		return nil, nil, err
	}
	clerk := d.Clerk()
	if clerk == nil {
		return nil, nil, data.Errorf(data.EUNAUTHORIZED, "请先登录")
	}
	v, err = d.Do(ctx, data.Command{Action: data.ActionPaperAccept, ApplicationID: applicationID, Checks: checks,
		Notice: &data.PaymentNotice{No: no, PayCode: code, Amount: amount, IssuedAt: now, IssuedBy: clerk.Name}})
	if err != nil {
		return nil, nil, err
	}
	var prints []*Printout
	for _, kind := range []data.Document{data.DocReceipt, data.DocPayment} {
		p, err := d.Print(ctx, applicationID, kind)
		if err != nil {
			return v, prints, err
		}
		prints = append(prints, p)
	}
	v, err = d.View(ctx, applicationID)
	return v, prints, err
}

// Deficient lists every deficiency at once and prints the 一次性告知书 with
// its deadline in working days.
func (d *Desk) Deficient(ctx context.Context, applicationID string, checks []data.AttachmentCheck, reasons []string, note string) (*View, *Printout, error) {
	if _, err := d.Do(ctx, data.Command{Action: data.ActionPaperDeficient, ApplicationID: applicationID, Checks: checks, Reasons: reasons, Note: note}); err != nil {
		return nil, nil, err
	}
	p, err := d.Print(ctx, applicationID, data.DocNotice)
	if err != nil {
		return nil, nil, err
	}
	v, err := d.View(ctx, applicationID)
	return v, p, err
}

// PaymentInput is what the clerk types from the receipt (票据第三联) or
// the payment screenshot.
type PaymentInput struct {
	Channel   string   // 银行 or 微信
	Amount    data.Fen // as the receipt says: the state machine takes only the notice's
	ReceiptNo string   // 票据号
	PaidAt    time.Time
	ProofFile string // photo or screenshot, optional
}

// Channels are the ways to pay the guide names.
var Channels = data.PaymentChannels

// RecordPayment records a payment; the state machine decides whether it
// stands (needPayment), here at once and on the server again.
func (d *Desk) RecordPayment(ctx context.Context, applicationID string, in PaymentInput) (*View, error) {
	var err error
	proof := ""
	if in.ProofFile != "" {
		if proof, err = d.importProof(in.ProofFile); err != nil {
			return nil, err
		}
	}
	clerk := d.Clerk()
	if clerk == nil {
		return nil, data.Errorf(data.EUNAUTHORIZED, "请先登录")
	}
	return d.Do(ctx, data.Command{Action: data.ActionPaymentRecord, ApplicationID: applicationID,
		Payment: &data.Payment{Amount: in.Amount, ReceiptNo: strings.TrimSpace(in.ReceiptNo), Channel: in.Channel, ProofSHA256: proof,
			PaidAt: in.PaidAt, RecordedAt: d.Now(), RecordedBy: clerk.Name}})
}

// importProof checks a proof image and keeps it in the desk's blob store,
// returning its SHA-256; sync uploads it before the command that names it.
func (d *Desk) importProof(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", data.Errorf(data.EINVALID, "无法读取文件 %s：%w", filepath.Base(path), err)
	}
	defer f.Close()
	b, err := blobstore.ReadLimited(f)
	if err != nil {
		return "", err
	}
	if _, err := blobstore.CheckImage(b, filepath.Base(path)); err != nil {
		return "", err
	}
	return d.Blobs().Put(b)
}
