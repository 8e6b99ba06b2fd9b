package ui

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// recentImagesShown bounds the pictures the picker lists.
const recentImagesShown = 200

// pickImage lets the clerk choose a picture this PC received: the newest in
// its downloads, desktop, pictures and WeChat folders, or any path typed or
// pasted. A tap or Enter picks; Esc goes back without one.
func (s *Shell) pickImage(heading string, picked func(path string)) {
	ws := s.ws
	home := ws.cfg.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	images := app.RecentImages(home, recentImagesShown)
	path := ws.newEntry("或输入、粘贴文件路径，回车")
	errl := errorText()
	choose := func(p string) {
		p = strings.Trim(strings.TrimSpace(p), `"`)
		if info, err := os.Stat(p); err != nil || info.IsDir() {
			showError(errl, data.Errorf(data.EINVALID, "找不到文件“%s”", p))
			return
		}
		s.pop()
		picked(p)
	}
	list := widget.NewList(
		func() int { return len(images) },
		func() fyne.CanvasObject { return widget.NewLabel("IMG_20260301_101010.jpg　下载　03-01 10:10") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			im := images[i]
			folder := filepath.Dir(im.Path)
			if rel, err := filepath.Rel(home, folder); err == nil {
				folder = rel // the home folder is the clerk's own
			}
			o.(*widget.Label).SetText(filepath.Base(im.Path) + "　" + folder + "　" + im.Modified.In(data.Shanghai).Format("01-02 15:04"))
		})
	list.OnSelected = func(i widget.ListItemID) {
		ws.touch()
		choose(images[i].Path)
	}
	note := "最近收到的图片（下载、桌面、图片和微信文件夹），新的在前："
	if len(images) == 0 {
		note = "下载、桌面、图片和微信文件夹里没有图片；请输入文件路径。"
	}
	head := container.NewVBox(container.NewBorder(nil, nil, ws.button("← 返回（Esc）", s.pop), nil, title(heading)),
		path, errl, widget.NewLabel(note))
	s.push(screen{obj: container.NewBorder(head, nil, nil, nil, list), enter: func() { choose(path.Text) }})
	ws.Win.Canvas().Focus(path)
}
