package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"titledesk/data"
	"titledesk/demo"
	"titledesk/finance"
)

// TestPlatformIssuesNotices: serve with the finance platform configured
// asks it for the notice of each application that passed 复审 and has none,
// signed as the platform checks; an answer becomes the application's
// notice, a refusal is logged and leaves it without one, and a platform
// that is away is asked again.
func TestPlatformIssuesNotices(t *testing.T) {
	b := newBureau(t)
	secret := []byte("platform-secret")
	var (
		mu     sync.Mutex
		asked  []finance.IssueRequest
		broken = true // the first round finds the platform down
	)
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := finance.VerifySignature(r, body, secret, time.Now(), time.Minute); err != nil {
			http.Error(w, `{"message":"签名无效"}`, http.StatusUnauthorized)
			return
		}
		var req finance.IssueRequest
		json.Unmarshal(body, &req)
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, req)
		switch {
		case broken:
			broken = false
			http.Error(w, "down", http.StatusServiceUnavailable)
		case strings.HasSuffix(req.AppNo, "2"):
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"message":"缴款人证件号码与登记不符"}`))
		default:
			json.NewEncoder(w).Encode(finance.IssueAnswer{NoticeNo: "N" + req.AppNo, PayCode: "4419" + req.AppNo, Amount: req.Amount,
				Payee: "东莞市人力资源局", PayURL: "https://pay.gdzwfw.gov.cn/pay/4419" + req.AppNo, IssuedAt: time.Now()})
		}
	}))
	defer platform.Close()
	cfg := filepath.Join(t.TempDir(), "platform.json")
	if err := os.WriteFile(cfg, []byte(`{"base_url": "`+platform.URL+`", "app_id": "dgrsj", "secret": "platform-secret"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	// Two applications past 复审, as the bureau desk leaves them.
	db := b.store(t)
	ctx := context.Background()
	p, err := db.LiaisonPointByCode(ctx, "DLXH")
	if err != nil {
		t.Fatal(err)
	}
	cast := demo.Cast{Clerk: data.Actor{ID: "c", Name: "陈晓敏", Role: data.RoleClerk, LiaisonPointID: p.ID}, Reviewer: data.Actor{ID: "r", Name: "王立新", Role: data.RoleBureau},
		Withhold: map[data.Action]bool{data.ActionBureauPass: true}}
	var apps []*data.Application
	for i := range 2 {
		a := demo.Application(i, p, demo.Unit(i), []data.Attachment{{ID: "s", Kind: "居民身份证", FileName: "id.jpg", SHA256: strings.Repeat("ab", 32), ContentType: "image/jpeg"}})
		if err := demo.Create(ctx, db, a, time.Now().AddDate(0, 0, -60)); err != nil {
			t.Fatal(err)
		}
		if a, err = demo.Drive(ctx, db, a, data.StatusAwaitingPaper, cast, time.Now()); err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	db.Close()
	srv := startServer(t, b.dir, "-finance-platform", cfg, "-finance-poll", "50ms")
	defer srv.stop()

	db = b.store(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := db.Application(ctx, apps[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		// The round that issues the first goes on to the second, refused.
		if got.Notice != nil && strings.Contains(srv.log.String(), "缴款人证件号码与登记不符") {
			if got.Notice.No != "N"+apps[0].No || got.Notice.IssuedBy != platformName || got.Notice.Amount == 0 || got.Version != apps[0].Version {
				t.Errorf("issued notice %+v, version %d → %d", got.Notice, apps[0].Version, got.Version)
			}
			break
		}
		if time.Now().After(deadline) {
			mu.Lock()
			t.Fatalf("no notice issued, or no refusal logged; asked %+v\n%s", asked, srv.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got, _ := db.Application(ctx, apps[1].ID); got.Notice != nil {
		t.Errorf("a refused application got a notice: %+v", got.Notice)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) < 3 || asked[0].AppNo != apps[0].No || asked[0].Item == "" || asked[0].Amount <= 0 {
		t.Errorf("the platform was asked %+v", asked)
	}
}
