package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"titledesk/app"
	"titledesk/data"
)

// previewDPI draws an A4 page 744 pixels wide: the whole width of a page
// readable beside the navigation at 1366×768.
const previewDPI = 90

// preview shows printouts inside the desk as they will print. 打印 (Enter)
// hands each to the printer chosen for its paper, 另存为PDF copies each
// where the clerk says, 关闭 (Esc) leaves them unprinted but kept under
// printed/. done gets what happened, for the screen underneath.
func (s *Shell) preview(prints []*app.Printout, done func(note string)) {
	ws := s.ws
	pages := container.NewVBox()
	var warnings []string
	for _, p := range prints {
		caption := widget.NewLabel(p.Paper)
		caption.Importance = widget.HighImportance
		pages.Add(caption)
		imgs, err := p.Pages(previewDPI)
		if err != nil {
			pages.Add(widget.NewLabel("无法显示预览：" + data.ErrorMessage(err)))
		}
		for _, img := range imgs {
			c := canvas.NewImageFromImage(img)
			c.FillMode = canvas.ImageFillContain
			c.ScaleMode = canvas.ImageScaleSmooth
			b := img.Bounds()
			c.SetMinSize(fyne.NewSize(float32(b.Dx()), float32(b.Dy())))
			pages.Add(container.NewCenter(c))
		}
		for _, u := range p.Unprintable {
			warnings = append(warnings, fmt.Sprintf("%s“%s”中的字无法打印，打印后请手写补正", p.Paper, u.Label))
		}
	}
	// Rendering, drawing and painting the pages allocates several times
	// what the pages keep (the PDF's font subsets, glyph masks, the images
	// converted for the screen): give it back to the system once they are
	// on screen, not minutes later, so the desk stays within its memory
	// budget with a preview open.
	time.AfterFunc(2*time.Second, debug.FreeOSMemory)
	status, errl := widget.NewLabel(strings.Join(warnings, "；")), errorText()
	status.Wrapping = fyne.TextWrapWord
	sent := map[*app.Printout]string{} // a retry after a refusal prints only what is left
	summary := func() string {
		var out []string
		for _, p := range prints {
			if msg, ok := sent[p]; ok {
				out = append(out, msg)
			} else {
				out = append(out, p.Paper+"未打印，文件保存在 "+p.Path)
			}
		}
		return strings.Join(append(out, warnings...), "；")
	}
	// Printing runs off the UI goroutine: lp, or on Windows the pages drawn
	// for the printer, take a while. printButton is off meanwhile.
	var printButton *widget.Button
	printAll := func() {
		if printButton.Disabled() {
			return
		}
		var todo []*app.Printout
		for _, p := range prints {
			if _, ok := sent[p]; !ok {
				todo = append(todo, p)
			}
		}
		printButton.Disable()
		ws.async(func() {
			var (
				jobs   []*app.Sent
				failed error
			)
			for _, p := range todo {
				job, err := ws.Desk.SendToPrinter(ws.ctx, p)
				jobs = append(jobs, job)
				if failed = err; err != nil {
					break
				}
			}
			fyne.Do(func() {
				printButton.Enable()
				for i, job := range jobs {
					if job != nil {
						sent[todo[i]] = job.String()
					}
				}
				switch last := len(jobs) - 1; {
				case failed != nil && jobs[last] != nil:
					errl.SetText(jobs[last].String() + "，但未能记入办理记录：" + data.ErrorMessage(failed))
				case failed != nil:
					p := todo[last]
					errl.SetText(data.ErrorMessage(failed) + "。" + p.Paper + "未打印，文件已保存在 " + p.Path + "，可重试或另存为PDF")
				default:
					s.pop()
					done(summary())
				}
			})
		})
	}
	closePreview := func() {
		s.pop()
		done(summary())
	}
	saveAs := func() { s.savePDFs(prints, status) }
	printButton = ws.button("打印（回车）", printAll)
	printButton.Importance = widget.HighImportance
	buttons := container.NewHBox(printButton, ws.button("另存为PDF…", saveAs), ws.button("关闭（Esc）", closePreview))
	head := container.NewVBox(title("打印预览"), buttons, status, errl)
	s.push(screen{obj: container.NewBorder(head, nil, nil, nil, container.NewVScroll(pages)), enter: printAll, esc: closePreview})
}

// savePDFs asks where to save a copy of each printout's PDF, one after
// the other, each under its own name.
func (s *Shell) savePDFs(prints []*app.Printout, status *widget.Label) {
	if len(prints) == 0 {
		return
	}
	p := prints[0]
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if w == nil || err != nil {
			return // cancelled
		}
		_, err = w.Write(p.PDF())
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			status.SetText(p.Paper + "另存失败：" + err.Error())
			return
		}
		status.SetText(p.Paper + "已另存为 " + w.URI().Path())
		s.savePDFs(prints[1:], status)
	}, s.ws.Win)
	d.SetFileName(filepath.Base(p.Path))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	if home, err := os.UserHomeDir(); err == nil {
		if l, err := storage.ListerForURI(storage.NewFileURI(home)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}
