package sync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"titledesk/data"
	"titledesk/forms"
	"titledesk/internal/testworld"
)

// TestRevokedDeskRefusedAndItsSealsNot: a counter PC is stolen and revoked.
// The server refuses it at once with a message saying so; another desk
// learns of it at its next sync and tells a receipt the PC sealed before
// (genuine) from one it sealed after (revoked, never "genuine").
func TestRevokedDeskRefusedAndItsSealsNot(t *testing.T) {
	ctx := context.Background()
	w := testworld.New(t)
	apps := w.Apps(t, 2, "DLXH", data.StatusAwaitingPaper)
	stolen, other := w.Desk(t, "DLXH", "chen"), w.Desk(t, "DLXH", "chen2")
	before := accept(t, stolen, apps[0])
	testworld.Drain(t, stolen)

	dev, err := w.DB.RevokeDevice(data.WithAdmin(ctx, data.Actor{ID: "it", Name: "信息科"}), stolen.Device().Code, "电脑失窃", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.RevokeDevice(ctx, dev.Code, "again", time.Now()); data.ErrorCode(err) != data.ECONFLICT {
		t.Errorf("revoking twice: %v", err)
	}
	after := accept(t, stolen, apps[1]) // offline, by the thief
	err = stolen.Syncer().SyncOnce(ctx)
	if data.ErrorCode(err) != data.EUNAUTHORIZED || !strings.Contains(data.ErrorMessage(err), "被市局停用") {
		t.Errorf("the revoked desk syncing: %v", err)
	}
	if got, _ := w.DB.Application(ctx, apps[1].ID); got.Status != data.StatusAwaitingPaper {
		t.Errorf("the revoked desk's acceptance reached the server: %s", got.Status)
	}

	testworld.Drain(t, other)
	for _, tc := range []struct {
		payload string
		want    forms.Status
		says    string
	}{{before, forms.Genuine, "正本有效"}, {after, forms.Revoked, "被市局停用"}} {
		res, err := other.Scan(ctx, tc.payload)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict.Status != tc.want || !strings.Contains(res.Verdict.Message, tc.says) {
			t.Errorf("scanned %s: %+v", tc.payload, res.Verdict)
		}
	}
}
