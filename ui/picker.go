package ui

import (
	"image"
	"image/color"
	"image/draw"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// recentImagesShown bounds the pictures the picker lists.
const recentImagesShown = 200

// thumbSide is the longer side of a picture's thumbnail, in pixels.
const thumbSide = 150

// pickImage lets the clerk choose a picture this PC received: the newest in
// the document camera's folder (设置) and its downloads, desktop, pictures
// and WeChat folders, as thumbnails (looked up and drawn in the background:
// a folder on a slow disk or a large photo must not freeze the screen), or
// any path typed or pasted. A tap or Enter picks; Esc goes back without one.
func (s *Shell) pickImage(heading string, picked func(path string)) {
	ws := s.ws
	home := ws.cfg.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	var (
		images []app.ImageFile
		thumbs = map[string]image.Image{} // drawn, or nil while drawing
	)
	path := ws.newEntry("或输入、粘贴文件路径，回车")
	errl, note := errorText(), widget.NewLabel("正在查找最近收到的图片…")
	choose := func(typed string) {
		p, err := pickedPath(typed)
		if err == nil {
			var info os.FileInfo
			if info, err = os.Stat(p); err != nil || info.IsDir() {
				err = data.Errorf(data.EINVALID, "找不到文件“%s”", p)
			}
		}
		if err != nil {
			showError(errl, err)
			ws.Win.Canvas().Focus(path)
			return
		}
		s.pop()
		picked(p)
	}
	var grid *widget.GridWrap
	grid = widget.NewGridWrap(
		func() int { return len(images) },
		func() fyne.CanvasObject {
			img := canvas.NewImageFromImage(nil)
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSize(thumbSide, thumbSide*3/4))
			name := widget.NewLabel("IMG_20260301_101010.jpg")
			name.Truncation = fyne.TextTruncateEllipsis
			where := widget.NewLabel("下载　03-01 10:10")
			where.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, container.NewVBox(name, where), nil, nil, img)
		},
		func(i widget.GridWrapItemID, o fyne.CanvasObject) {
			im := images[i]
			box := o.(*fyne.Container)
			texts := box.Objects[1].(*fyne.Container).Objects
			folder := filepath.Dir(im.Path)
			if rel, err := filepath.Rel(home, folder); err == nil && !strings.HasPrefix(rel, "..") {
				folder = rel // the home folder is the clerk's own
			}
			texts[0].(*widget.Label).SetText(filepath.Base(im.Path))
			texts[1].(*widget.Label).SetText(filepath.Base(folder) + "　" + im.Modified.In(data.Shanghai).Format("01-02 15:04"))
			img := box.Objects[0].(*canvas.Image)
			thumb, drawn := thumbs[im.Path]
			img.Image = thumb
			img.Refresh()
			if !drawn {
				thumbs[im.Path] = nil
				ws.async(func() {
					t := thumbnail(im.Path)
					fyne.Do(func() {
						thumbs[im.Path] = t
						grid.RefreshItem(i)
					})
				})
			}
		})
	grid.OnSelected = func(i widget.GridWrapItemID) {
		ws.touch()
		// Unselected at once: a picture that cannot be used is tapped again
		// after the message, and the keys go back to the window.
		grid.Unselect(i)
		choose(images[i].Path)
	}
	head := container.NewVBox(container.NewBorder(nil, nil, ws.button("← 返回（Esc）", s.pop), nil, title(heading)),
		path, errl, note)
	s.push(screen{obj: container.NewBorder(head, nil, nil, nil, grid), enter: func() { choose(path.Text) }})
	ws.Win.Canvas().Focus(path)
	var folders []string
	if dir := ws.Desk.CameraFolder(ws.ctx); dir != "" {
		folders = append(folders, dir)
	}
	ws.async(func() {
		found := app.RecentImages(home, folders, recentImagesShown)
		fyne.Do(func() {
			images = found
			note.SetText("最近收到的图片（高拍仪、下载、桌面、图片和微信文件夹），新的在前：")
			if len(images) == 0 {
				note.SetText("高拍仪、下载、桌面、图片和微信文件夹里没有图片；请输入文件路径。")
			}
			grid.Refresh()
		})
	})
}

// thumbnail is the picture at path drawn small, or a grey square for one
// that cannot be read (picking it then says why).
func thumbnail(path string) image.Image {
	img, err := decodeFile(path)
	if err != nil {
		grey := image.NewGray(image.Rect(0, 0, 4, 3))
		draw.Draw(grey, grey.Rect, image.NewUniform(color.Gray{Y: 0xdd}), image.Point{}, draw.Src)
		return grey
	}
	return shrink(img, thumbSide)
}

// pickedPath is the file a clerk typed or pasted: as Explorer's 复制文件地址
// quotes it, or as a file:// address a browser or chat gives.
func pickedPath(typed string) (string, error) {
	p := strings.Trim(strings.TrimSpace(typed), `"`)
	if u, err := url.Parse(p); err == nil && u.Scheme == "file" {
		p = filepath.FromSlash(u.Path)
		if runtime.GOOS == "windows" {
			p = strings.TrimPrefix(p, `\`) // \C:\Users\… from file:///C:/Users/…
		}
	}
	switch {
	case p == "":
		return "", data.Errorf(data.EINVALID, "请输入文件路径，或在下面选一张图片")
	case !filepath.IsAbs(p):
		return "", data.Errorf(data.EINVALID, "请输入完整的文件路径（从盘符或 / 开始），“%s”不是", p)
	}
	return p, nil
}
