package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"titledesk/data"
)

func TestAdminUnitRejectAndApprove(t *testing.T) {
	b := newBureau(t)
	db := b.store(t)
	code := data.MakeCreditCode("91441900MA4UREJ01")
	u := &data.Unit{ID: "u1", Name: "东莞市待审公司", CreditCode: code, ContactName: "黄丽", ContactMobile: "13922001100", CreatedAt: time.Now()}
	acc := &data.Account{ID: "a1", Login: "daishen", Name: "黄丽", Mobile: "13922001100", PasswordHash: "x", CreatedAt: time.Now()}
	if err := db.RegisterUnit(context.Background(), u, acc); err != nil {
		t.Fatal(err)
	}
	if out, code := cli(t, "", "admin", "unit-reject", "-data", b.dir, "-credit-code", code); code != 2 || !strings.Contains(out, "-reason is required") {
		t.Errorf("reject without a reason: %d %s", code, out)
	}
	mustCLI(t, "", "admin", "unit-reject", "-data", b.dir, "-credit-code", strings.ToLower(code), "-reason", "单位名称与营业执照不一致")
	if out := mustCLI(t, "", "admin", "unit-list", "-data", b.dir); !strings.Contains(out, "未通过") || !strings.Contains(out, "单位名称与营业执照不一致") {
		t.Errorf("unit-list after reject:\n%s", out)
	}
	mustCLI(t, "", "admin", "unit-approve", "-data", b.dir, "-credit-code", code)
	if got, _ := db.UnitByCreditCode(context.Background(), code); !got.Approved || got.RejectReason != "" {
		t.Errorf("approved after a rejection: %+v", got)
	}
	if out, code := cli(t, "", "admin", "unit-reject", "-data", b.dir, "-credit-code", code, "-reason", "x"); code != 1 || !strings.Contains(out, "已通过审核") {
		t.Errorf("reject an approved unit: %d %s", code, out)
	}
}
