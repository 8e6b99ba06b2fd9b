package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// TestPaymentProofPicker: 选择文件… lists the pictures the PC received last,
// newest first, from downloads, the desktop and WeChat 3's and 4's folders
// (not other files); a damaged picture is refused at 登记 with a message and nothing
// recorded; a typed path picks too, and the payment then carries the proof.
func TestPaymentProofPicker(t *testing.T) {
	r := newRig(t)
	r.login()
	good := receiptPicture(t, 0) // WeChat's green band over a slip
	now := time.Now()
	files := []struct {
		path string
		body []byte
		age  time.Duration
	}{
		{"Downloads/回执照片.png", good, 3 * time.Hour},
		{"桌面/微信截图.png", good, 2 * time.Hour},
		{"Documents/WeChat Files/wxid_a1/FileStorage/File/2026-11/转账记录.png", good, time.Hour},
		{"Documents/xwechat_files/wxid_a1_9f3c/msg/file/2026-11/付款凭证.png", good, 90 * time.Minute},
		{"Downloads/损坏.png", []byte("not a picture"), time.Minute},
		{"Downloads/说明.txt", []byte("text"), 0},
	}
	for _, f := range files {
		p := filepath.Join(r.home, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.body, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-f.age), now.Add(-f.age)); err != nil {
			t.Fatal(err)
		}
	}
	// The document camera's folder, set in 设置, anywhere on the PC.
	camera := filepath.Join(t.TempDir(), "高拍仪")
	ctx := context.Background()
	if err := r.ws.Desk.SetCameraFolder(ctx, camera); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("a missing camera folder: %v", err)
	}
	if err := os.MkdirAll(camera, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(camera, "DOC_0001.png"), good, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(camera, "DOC_0001.png"), now.Add(-4*time.Hour), now.Add(-4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.ws.Desk.SetCameraFolder(ctx, `"`+camera+`"`); err != nil {
		t.Fatal(err)
	}
	a := r.fx.Apps[data.StatusAwaitingPayment][0]
	r.openFromQueue("待缴费", a.No)
	r.tap("登记缴费")
	r.typeFocused("4200001234202612030000000009") // the WeChat transaction number
	r.tap("选择文件")
	var listed []string
	for _, s := range r.texts() {
		if ext := filepath.Ext(s); ext == ".png" || ext == ".jpg" {
			listed = append(listed, s)
		}
	}
	if want := []string{"损坏.png", "转账记录.png", "付款凭证.png", "微信截图.png", "回执照片.png", "DOC_0001.png"}; !slices.Equal(listed, want) {
		t.Fatalf("picker lists %q, want %q", listed, want)
	}
	// Each as a thumbnail: the pictures drawn small, the damaged one grey.
	var sides []int
	walk(r.ws.Win.Content(), func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && img.Image != nil {
			if b := img.Image.Bounds(); max(b.Dx(), b.Dy()) <= thumbSide {
				sides = append(sides, max(b.Dx(), b.Dy()))
			}
		}
	})
	if want := []int{4, thumbSide, thumbSide, thumbSide, thumbSide, thumbSide}; !slices.Equal(sides, want) {
		t.Errorf("thumbnails %v long, want %v", sides, want)
	}
	find(r, func(g *widget.GridWrap) bool { return true }).Select(0)
	proof := find(r, func(e *keyEntry) bool { return strings.HasPrefix(e.PlaceHolder, "票据照片") })
	if filepath.Base(proof.Text) != "损坏.png" {
		t.Fatalf("picked %q", proof.Text)
	}
	r.key(fyne.KeyReturn) // 登记
	r.mustShow("“损坏.png”不是有效的 JPEG 或 PNG 图片")
	if got := r.status(a.ID); got != data.StatusAwaitingPayment {
		t.Fatalf("a damaged proof still recorded the payment: %s", got)
	}

	r.tap("选择文件")
	wechat := filepath.Join(r.home, filepath.FromSlash(files[2].path))
	r.typeFocused(`"` + wechat + `"`) // pasted from Explorer's 复制文件地址, quotes and all
	r.key(fyne.KeyReturn)
	if proof.Text != wechat {
		t.Fatalf("typed path gave %q", proof.Text)
	}
	r.ws.Win.Canvas().Focus(find(r, func(e *keyEntry) bool { return e.PlaceHolder == "微信支付交易单号" }))
	r.key(fyne.KeyReturn)
	if got := r.status(a.ID); got != data.StatusPaid {
		t.Fatalf("payment: %s", got)
	}
	cmds := r.pending()
	if p := cmds[len(cmds)-1].Payment; p == nil || p.ProofSHA256 == "" {
		t.Errorf("payment command carries no proof: %+v", p)
	}
	// The detail shows the proof after the scans, as its last page.
	r.key(fyne.KeyPageUp)
	r.mustShow(fmt.Sprintf("%d / %d　%s", len(a.Attachments)+1, len(a.Attachments)+1, app.ProofKind))
	if r.shows("本机还没有") || r.shows("无法显示") {
		t.Errorf("the proof does not show:\n%s", strings.Join(r.texts(), "\n"))
	}
}

// TestPickedPath: what a clerk may paste into the picker's path box.
func TestPickedPath(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "回执 1.png")
	for _, c := range []struct{ typed, want, err string }{
		{abs, abs, ""},
		{` "` + abs + `" `, abs, ""}, // Explorer's 复制文件地址 quotes the path
		{(&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), abs, ""},
		{"", "", "请输入文件路径"},
		{"回执.png", "", "请输入完整的文件路径"},
	} {
		got, err := pickedPath(c.typed)
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(data.ErrorMessage(err), c.err)) {
			t.Errorf("%q: %q, %v; want %q, %q", c.typed, got, err, c.want, c.err)
		}
	}
}

// TestSettingsKept: the idle lock and the document camera's folder chosen
// in 设置 hold after the desk is opened again; a folder that is not there
// is refused in words.
func TestSettingsKept(t *testing.T) {
	r := newRig(t)
	r.login()
	r.ws.shell.Task("设置")
	find(r, func(s *widget.Select) bool { return strings.HasSuffix(s.Selected, "分钟") }).SetSelected("15 分钟")
	dir := find(r, func(e *keyEntry) bool { return strings.HasPrefix(e.PlaceHolder, "高拍仪软件") })
	dir.SetText(filepath.Join(t.TempDir(), "没有这个文件夹"))
	r.tap("保存")
	r.mustShow("找不到文件夹")
	camera := t.TempDir()
	dir.SetText(camera)
	dir.OnSubmitted(dir.Text)
	if text, _ := r.banner(); text != "已保存高拍仪图片文件夹" || r.shows("找不到文件夹") {
		t.Errorf("saved: banner %q", text)
	}

	// Opened again as at the next start, at the login screen: the settings
	// are read before anyone logs in. (Logged in, the window would start a
	// sync loop whose callbacks the test driver runs beside this test.)
	r.ws.Desk.Logout()
	again := NewWindow(test.NewApp(), Config{Desk: r.ws.Desk, Home: r.home})
	if again.cfg.IdleLock != 15*time.Minute || again.Desk.CameraFolder(context.Background()) != camera {
		t.Errorf("opened again: idle lock %v, camera folder %q", again.cfg.IdleLock, again.Desk.CameraFolder(context.Background()))
	}
}
