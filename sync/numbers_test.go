package sync_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/testworld"
)

// TestNumbersUniqueAcrossOfflineDesks: two counters offline record the
// same bank 票据号 on two applications, and two reviewers' desks offline
// certify two applications with the same 证书编号. The server takes the
// first of each and refuses the second, naming the application that has
// the number; the clerk sees the refusal. The same number from another way
// of paying is not a duplicate. (Notice numbers are the finance system's:
// the server's import refuses a repeated one, see sqlite's
// TestImportNotices.)
func TestNumbersUniqueAcrossOfflineDesks(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	unpaid := w.Apps(t, 3, "DLXH", data.StatusAwaitingPayment)
	paid := w.Apps(t, 2, "DLXH", data.StatusPaid)
	a, b := w.Desk(t, "DLXH", "chen"), w.Desk(t, "DLXH", "chen2")
	r1, r2 := w.Desk(t, "", "wang"), w.Desk(t, "", "wang")
	for _, d := range []*app.Desk{a, b, r1, r2} {
		testworld.Inject(d).Offline()
	}
	pay := func(d *app.Desk, x *data.Application, channel string) {
		t.Helper()
		if _, err := d.RecordPayment(ctx, x.ID, app.PaymentInput{Channel: channel, Amount: x.Notice.Amount, ReceiptNo: "4400998877", PaidAt: time.Now()}); err != nil {
			t.Fatalf("offline payment on %s: %v", x.No, err)
		}
	}
	pay(a, unpaid[0], "银行柜台")
	pay(b, unpaid[1], "银行柜台")
	pay(b, unpaid[2], "其他")
	for i, d := range []*app.Desk{r1, r2} {
		if _, err := d.Certify(ctx, paid[i].ID, "ZC-2026-000123", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []*app.Desk{a, b, r1, r2} {
		d.Syncer().Client.HTTP.Transport.(*testworld.Faults).Set(nil, nil)
		if err := d.Syncer().SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		desk    *app.Desk
		refused *data.Application
		holder  *data.Application
		label   string
	}{{b, unpaid[1], unpaid[0], "票据号 4400998877"}, {r2, paid[1], paid[0], "证书编号 ZC-2026-000123"}} {
		entries, err := tc.desk.Store.OutboxFor(ctx, tc.refused.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The decision is refused; prints of its papers follow it.
		if len(entries) == 0 || entries[0].State != data.StateRejected || !strings.Contains(entries[0].Message, tc.label) || !strings.Contains(entries[0].Message, tc.holder.No) {
			t.Errorf("the duplicate %s on %s: %+v", tc.label, tc.refused.No, entries)
		}
	}
	if st := r2.Syncer().Status(); st.Refused != 1 {
		t.Errorf("the reviewer is shown %d refusals", st.Refused)
	}
	for _, tc := range []struct {
		x    *data.Application
		want data.Status
	}{{unpaid[0], data.StatusPaid}, {unpaid[1], data.StatusAwaitingPayment}, {unpaid[2], data.StatusPaid},
		{paid[0], data.StatusCertified}, {paid[1], data.StatusPaid}} {
		if got, _ := w.DB.Application(ctx, tc.x.ID); got.Status != tc.want {
			t.Errorf("%s on the server: %s, want %s", tc.x.No, got.Status, tc.want)
		}
	}
}

// TestRefusedProofDoesNotHoldUpTheDesk: a payment queued by an older
// release with a proof today's checks refuse (a greyscale picture) is
// refused and shown to the clerk, and the desk's other commands still
// reach the server.
func TestRefusedProofDoesNotHoldUpTheDesk(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	unpaid := w.Apps(t, 1, "DLXH", data.StatusAwaitingPayment)[0]
	review := w.Apps(t, 1, "DLXH", data.StatusLiaisonReview)[0]
	d := w.Desk(t, "DLXH", "chen")
	var grey bytes.Buffer
	g := image.NewGray(image.Rect(0, 0, 400, 300))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 13)
	}
	png.Encode(&grey, g)
	sum, err := d.Blobs().Put(grey.Bytes()) // as the older release kept it
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Do(ctx, data.Command{Action: data.ActionPaymentRecord, ApplicationID: unpaid.ID, Payment: &data.Payment{
		Amount: unpaid.Notice.Amount, ReceiptNo: "4400112233", Channel: "银行柜台", ProofSHA256: sum, PaidAt: time.Now(), RecordedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	pass(t, d, []*data.Application{review})
	if err := d.Syncer().SyncOnce(ctx); err != nil {
		t.Fatalf("sync with a refused proof: %v", err)
	}
	entries, _ := d.Store.OutboxFor(ctx, unpaid.ID)
	if len(entries) != 1 || entries[0].State != data.StateRejected || !strings.Contains(entries[0].Message, "缴费凭证未被服务器接受") {
		t.Errorf("the payment with the refused proof: %+v", entries)
	}
	if got, _ := w.DB.Application(ctx, review.ID); got.Status != data.StatusBureauReview {
		t.Errorf("the pass after it: %s", got.Status)
	}
	if got, _ := w.DB.Application(ctx, unpaid.ID); got.Status != data.StatusAwaitingPayment {
		t.Errorf("the refused payment: %s", got.Status)
	}
}
