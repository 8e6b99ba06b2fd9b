package app

import (
	"context"
	"errors"
	"time"

	"titledesk/data"
	tdsync "titledesk/sync"
)

// Login limits: after maxFailures wrong passwords a login name is locked
// for lockFor, so a shared counter PC cannot be used to guess passwords.
const (
	maxFailures = 5
	lockFor     = 5 * time.Minute
)

// Login checks a clerk's password against the hash synced from the server,
// so it works offline. The clerk must belong to this workstation's liaison
// point (or be a reviewer on a bureau workstation).
func (d *Desk) Login(ctx context.Context, login, password string) (*data.Clerk, error) {
	dev := d.Device()
	if dev == nil {
		return nil, data.Errorf(data.EUNAUTHORIZED, "本工作站尚未注册，请先注册")
	}
	now := d.Now()
	d.mu.Lock()
	until := d.lockout[login]
	d.mu.Unlock()
	if now.Before(until) {
		return nil, data.Errorf(data.EUNAUTHORIZED, "密码错误次数过多，账号已锁定，请于 %s 后再试", until.In(data.Shanghai).Format("15:04"))
	}
	c, err := d.Store.ClerkByLogin(ctx, login)
	if err != nil && data.ErrorCode(err) != data.ENOTFOUND {
		return nil, err
	}
	ok := err == nil && c.Active
	if ok {
		if ok, err = data.CheckPassword(c.PasswordHash, password); err != nil {
			return nil, err
		}
	}
	if !ok {
		d.mu.Lock()
		d.failed[login]++
		left := maxFailures - d.failed[login]
		if left <= 0 {
			d.lockout[login], d.failed[login] = now.Add(lockFor), 0
		}
		d.mu.Unlock()
		if left <= 0 {
			return nil, data.Errorf(data.EUNAUTHORIZED, "密码错误次数过多，账号已锁定 %d 分钟", int(lockFor.Minutes()))
		}
		return nil, data.Errorf(data.EUNAUTHORIZED, "用户名或密码不正确（还可尝试 %d 次）。新账号须先同步到本机", left)
	}
	if c.Role != dev.Role || (dev.Role == data.RoleClerk && c.LiaisonPointID != dev.LiaisonPointID) {
		return nil, data.Errorf(data.EFORBIDDEN, "%s 不属于本工作站所在的单位，不能在此登录", c.Name)
	}
	d.mu.Lock()
	d.clerk, d.failed[login] = c, 0
	d.mu.Unlock()
	return c, nil
}

// Logout ends the clerk's session (the screen lock does the same).
func (d *Desk) Logout() {
	d.mu.Lock()
	d.clerk = nil
	d.mu.Unlock()
}

// Clerk is the clerk logged in, nil when nobody is.
func (d *Desk) Clerk() *data.Clerk {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.clerk
}

// actor is the logged-in clerk as the state machine sees them.
func (d *Desk) actor() (data.Actor, error) {
	c := d.Clerk()
	if c == nil {
		return data.Actor{}, data.Errorf(data.EUNAUTHORIZED, "请先登录")
	}
	return c.Actor(), nil
}

func errorsIsUnreachable(err error) bool { return errors.Is(err, tdsync.ErrUnreachable) }

// ChangePassword changes the logged-in clerk's password on the server, which
// checks the current one and the policy, then syncs so that this desk takes
// the new one at once; the others take it at their next sync. It needs the
// server: offline is said as such.
func (d *Desk) ChangePassword(ctx context.Context, current, next, again string) error {
	c, s := d.Clerk(), d.Syncer()
	switch {
	case c == nil || s == nil:
		return data.Errorf(data.EUNAUTHORIZED, "请先登录")
	case next != again:
		return data.Errorf(data.EINVALID, "两次输入的新密码不一致")
	}
	if err := s.Client.ChangePassword(ctx, c.Login, current, next); err != nil {
		if errorsIsUnreachable(err) {
			return data.Errorf(data.EOFFLINE, "离线：修改密码须连接市局服务器，请联网后再改")
		}
		return err
	}
	return s.SyncOnce(ctx)
}
