package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// labels collects the text of every label under o, in tree order.
func labels(t *testing.T, o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case fyne.Widget:
			for _, c := range test.TempWidgetRenderer(t, v).Objects() {
				walk(c)
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func TestShellNavigationPerRole(t *testing.T) {
	for role, want := range map[Role][]string{
		RoleClerk:  {"工作台", "初审", "市局退回", "现场核验", "待缴费", "报表", "同步", "设置"},
		RoleBureau: {"复审", "发证", "统计", "同步", "设置"},
	} {
		a := test.NewTempApp(t)
		w := NewWindow(a, Config{Role: role})
		w.Show()
		if got := w.Title(); got != WindowTitle {
			t.Errorf("title = %q, want %q", got, WindowTitle)
		}
		text := strings.Join(labels(t, w.Content()), "|")
		for _, l := range want {
			if !strings.Contains(text, l) {
				t.Errorf("role %d: navigation lacks %q in %q", role, l, text)
			}
		}
		if role == RoleClerk && strings.Contains(text, "复审") {
			t.Errorf("clerk navigation shows the bureau's 复审: %q", text)
		}
		w.Close()
	}
}
