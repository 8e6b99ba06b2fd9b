package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
)

// Accept takes the paper materials, every attachment checked, and
// prepares the 受理回执 and, when the bureau's finance system has issued
// it, the 缴款通知书, for the preview to print. A notice that arrives later
// is texted to the applicant and printed from 待缴费.
func (d *Desk) Accept(ctx context.Context, applicationID string, checks []data.AttachmentCheck) (*View, []*Printout, error) {
	v, err := d.Do(ctx, data.Command{Action: data.ActionPaperAccept, ApplicationID: applicationID, Checks: checks})
	if err != nil {
		return nil, nil, err
	}
	kinds := []data.Document{data.DocReceipt}
	if slices.ContainsFunc(v.Actions, func(t data.Transition) bool { return t.Action == data.ActionPrint && t.Document == data.DocPayment }) {
		kinds = append(kinds, data.DocPayment)
	}
	var prints []*Printout
	for _, kind := range kinds {
		p, err := d.Prepare(ctx, applicationID, kind)
		if err != nil {
			return v, prints, err
		}
		prints = append(prints, p)
	}
	v, err = d.View(ctx, applicationID)
	return v, prints, err
}

// Deficient lists every deficiency at once and prepares the 一次性告知书
// with its deadline in working days.
func (d *Desk) Deficient(ctx context.Context, applicationID string, checks []data.AttachmentCheck, reasons []string, note string) (*View, *Printout, error) {
	if _, err := d.Do(ctx, data.Command{Action: data.ActionPaperDeficient, ApplicationID: applicationID, Checks: checks, Reasons: reasons, Note: note}); err != nil {
		return nil, nil, err
	}
	p, err := d.Prepare(ctx, applicationID, data.DocNotice)
	if err != nil {
		return nil, nil, err
	}
	v, err := d.View(ctx, applicationID)
	return v, p, err
}

// PaymentInput is what the clerk types from the receipt (票据第三联), the
// payment screenshot or the e-receipt.
type PaymentInput struct {
	Channel   string   // a Channels name
	Amount    data.Fen // as the proof says: the state machine takes only the notice's
	ReceiptNo string   // the channel's reference (Channel.RefLabel)
	PaidAt    time.Time
	ProofFile string // photo or screenshot, optional
}

// Channel is a way to pay and the reference it leaves.
type Channel = data.Channel

// Channels are the ways to pay, in the order the counter offers them.
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
		Payment: &data.Payment{Amount: in.Amount, ReceiptNo: data.NormalizeRef(in.ReceiptNo), Channel: in.Channel, ProofSHA256: proof,
			PaidAt: in.PaidAt, RecordedAt: d.Now(), RecordedBy: clerk.Name, RecordedByID: clerk.ID}})
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
