package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// enrollScreen is the first-run form: the server, the one-time code an
// admin handed over and the certificate fingerprint to pin.
type enrollScreen struct {
	server, code, fingerprint *keyEntry
	submit                    *widget.Button
	err                       *widget.Label
}

func (ws *Workstation) showEnroll() {
	s := &enrollScreen{server: ws.newEntry("https://192.168.1.10:8443"), code: ws.newEntry("管理员提供的一次性注册码"),
		fingerprint: ws.newEntry("AB:CD:…（64 位十六进制，可不带冒号）"), err: errorText()}
	enroll := func() {
		s.submit.Disable()
		showError(s.err, nil)
		server, code, fp := s.server.Text, s.code.Text, s.fingerprint.Text
		ws.async(func() {
			err := ws.Desk.Enroll(ws.ctx, server, code, fp, ws.cfg.Hostname)
			fyne.Do(func() {
				s.submit.Enable()
				if err != nil {
					showError(s.err, err)
					return
				}
				ws.showLogin(false)
			})
		})
	}
	s.submit = ws.button("注册本工作站", enroll)
	s.submit.Importance = widget.HighImportance
	head := title("首次使用：注册工作站")
	head.Alignment = fyne.TextAlignCenter
	about := widget.NewLabel("请向市局系统管理员索取一次性注册码和服务器证书指纹。注册后，本机同步本联络点的申请与经办人账号，断网时也能办理。")
	about.Wrapping = fyne.TextWrapWord
	inputs := form(formRow{"服务器地址", s.server}, formRow{"注册码", s.code}, formRow{"证书指纹", s.fingerprint})
	ws.setContent(centered(620, container.NewVBox(head, about, inputs, s.submit, s.err)))
	ws.keys(enroll, nil)
	ws.Win.Canvas().Focus(s.server)
}

// showLogin shows the clerk login. Locked, it keeps the desk underneath
// for the clerk who locked it.
func (ws *Workstation) showLogin(locked bool) {
	ws.Win.SetTitle(titleOf(ws.Desk)) // the role is known once enrolled
	login, password := ws.newEntry("用户名"), ws.newEntry("密码")
	password.Password = true
	errl := errorText()
	var held string
	if locked && ws.shell != nil {
		held = ws.shell.clerk.Login
		login.SetText(held)
	}
	submit := func() {
		c, err := ws.Desk.Login(ws.ctx, login.Text, password.Text)
		if err != nil {
			password.SetText("")
			showError(errl, err)
			return
		}
		ws.mu.Lock()
		ws.locked = false
		ws.mu.Unlock()
		ws.touch()
		if ws.shell != nil && ws.shell.clerk.ID == c.ID {
			ws.shell.resume()
			return
		}
		// Another clerk: a fresh desk, nothing of the last one's input.
		ws.showShell(c)
	}
	password.OnSubmitted = func(string) { submit() }
	login.OnSubmitted = func(string) { ws.Win.Canvas().Focus(password) }
	btn := ws.button("登录", submit)
	btn.Importance = widget.HighImportance
	prompt := "经办人登录"
	if locked {
		prompt = fmt.Sprintf("屏幕已锁定（%s），请重新输入密码", ws.shell.clerk.Name)
	}
	point := ""
	if dev := ws.Desk.Device(); dev != nil {
		if p, err := ws.Desk.LiaisonPoint(ws.ctx, dev.LiaisonPointID); err == nil {
			point = p.Name + " · "
		}
		point += "工作站 " + dev.Code
	}
	note := widget.NewLabel("断网时也可登录：使用上次同步到本机的账号。连续输错 5 次将锁定 5 分钟。")
	note.Wrapping = fyne.TextWrapWord
	head := title(titleOf(ws.Desk))
	head.Alignment = fyne.TextAlignCenter
	ws.setContent(centered(460, container.NewVBox(head,
		widget.NewLabelWithStyle(point, fyne.TextAlignCenter, fyne.TextStyle{}),
		widget.NewLabelWithStyle(prompt, fyne.TextAlignCenter, fyne.TextStyle{}),
		form(formRow{"用户名", login}, formRow{"密码", password}),
		btn, errl, note)))
	ws.keys(submit, nil)
	if held != "" {
		ws.Win.Canvas().Focus(password)
	} else {
		ws.Win.Canvas().Focus(login)
	}
}
