package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"titledesk/data"
)

// notFound turns sql.ErrNoRows into ENOTFOUND with a Chinese message.
func notFound(err error, what string, key any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return data.Errorf(data.ENOTFOUND, "找不到%s %v", what, key)
	}
	return err
}

// Reference data is written the same way by an admin command on the server
// and by a pull on a workstation: the save*Tx helpers serve both, and on
// the server each save is logged for sync.

// SaveLiaisonPoint inserts or replaces a liaison point.
func (s *Store) SaveLiaisonPoint(ctx context.Context, p *data.LiaisonPoint) error {
	if p.ID == "" || p.Code == "" || p.Name == "" {
		return data.Errorf(data.EINVALID, "人才联络点须有编号、代码和名称")
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if err := savePointTx(ctx, tx, p); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return data.Errorf(data.ECONFLICT, "联络点代码 %s 已被其他联络点使用", p.Code)
			}
			return err
		}
		if err := s.auditAdmin(ctx, tx, "point", "code", p.Code, "name", p.Name, "place", p.Place, "address", p.Address, "phone", p.Phone, "active", fmt.Sprint(p.Active)); err != nil {
			return err
		}
		return s.logChange(ctx, tx, data.ChangePoint, p.ID, scopeAll)
	})
}

func savePointTx(ctx context.Context, tx *txn, p *data.LiaisonPoint) error {
	_, err := exec(ctx, tx, `INSERT INTO liaison_points (id, code, name, place, address, phone, active) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, place = excluded.place,
		address = excluded.address, phone = excluded.phone, active = excluded.active`,
		p.ID, data.Normalize(p.Code), p.Name, p.Place, p.Address, p.Phone, p.Active)
	return err
}

const pointColumns = `id, code, name, place, address, phone, active`

func scanPoint(row interface{ Scan(...any) error }) (*data.LiaisonPoint, error) {
	var p data.LiaisonPoint
	err := row.Scan(&p.ID, &p.Code, &p.Name, &p.Place, &p.Address, &p.Phone, &p.Active)
	return &p, err
}

func pointTx(ctx context.Context, tx *txn, id string) (*data.LiaisonPoint, error) {
	p, err := scanPoint(queryRow(ctx, tx, `SELECT `+pointColumns+` FROM liaison_points WHERE id = ?`, id))
	return p, notFound(err, "人才联络点", id)
}

// LiaisonPoint returns the liaison point with that ID.
func (s *Store) LiaisonPoint(ctx context.Context, id string) (p *data.LiaisonPoint, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		p, err = pointTx(ctx, tx, id)
		return err
	})
	return p, err
}

// LiaisonPointByCode returns the liaison point with that code.
func (s *Store) LiaisonPointByCode(ctx context.Context, code string) (p *data.LiaisonPoint, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		p, err = scanPoint(queryRow(ctx, tx, `SELECT `+pointColumns+` FROM liaison_points WHERE code = ?`, data.Normalize(code)))
		return notFound(err, "人才联络点", code)
	})
	return p, err
}

// LiaisonPoints lists all liaison points by name.
func (s *Store) LiaisonPoints(ctx context.Context) ([]data.LiaisonPoint, error) {
	var out []data.LiaisonPoint
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT `+pointColumns+` FROM liaison_points ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPoint(rows)
			if err != nil {
				return err
			}
			out = append(out, *p)
		}
		return rows.Err()
	})
	return out, err
}

// SaveUnit validates and inserts or replaces a unit.
func (s *Store) SaveUnit(ctx context.Context, u *data.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if err := saveUnitTx(ctx, tx, u); err != nil {
			return err
		}
		return s.auditAdmin(ctx, tx, "unit", "credit_code", u.CreditCode, "name", u.Name, "approved", fmt.Sprint(u.Approved), "reject_reason", u.RejectReason)
	})
}

func saveUnitTx(ctx context.Context, tx *txn, u *data.Unit) error {
	_, err := exec(ctx, tx, `INSERT INTO units (`+unitColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, credit_code = excluded.credit_code, contact_name = excluded.contact_name,
		contact_mobile = excluded.contact_mobile, approved = excluded.approved, reject_reason = excluded.reject_reason`,
		u.ID, u.Name, u.CreditCode, u.ContactName, u.ContactMobile, u.Approved, u.RejectReason, ts(u.CreatedAt))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return data.Errorf(data.ECONFLICT, "统一社会信用代码 %s 已注册", u.CreditCode)
	}
	return err
}

const unitColumns = `id, name, credit_code, contact_name, contact_mobile, approved, reject_reason, created_at`

func scanUnit(row interface{ Scan(...any) error }) (*data.Unit, error) {
	var u data.Unit
	err := row.Scan(&u.ID, &u.Name, &u.CreditCode, &u.ContactName, &u.ContactMobile, &u.Approved, &u.RejectReason, nullTime{&u.CreatedAt})
	return &u, err
}

// Unit returns the unit with that ID.
func (s *Store) Unit(ctx context.Context, id string) (u *data.Unit, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		u, err = scanUnit(queryRow(ctx, tx, `SELECT `+unitColumns+` FROM units WHERE id = ?`, id))
		return notFound(err, "单位", id)
	})
	return u, err
}

// UnitByCreditCode returns the unit registered with that code.
func (s *Store) UnitByCreditCode(ctx context.Context, code string) (u *data.Unit, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		u, err = scanUnit(queryRow(ctx, tx, `SELECT `+unitColumns+` FROM units WHERE credit_code = ?`, data.Normalize(code)))
		return notFound(err, "统一社会信用代码为该值的单位", code)
	})
	return u, err
}

// Units lists units, those waiting for approval first.
func (s *Store) Units(ctx context.Context) ([]data.Unit, error) {
	var out []data.Unit
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT `+unitColumns+` FROM units ORDER BY approved, created_at`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUnit(rows)
			if err != nil {
				return err
			}
			out = append(out, *u)
		}
		return rows.Err()
	})
	return out, err
}

// SaveClerk inserts or replaces a clerk or reviewer.
func (s *Store) SaveClerk(ctx context.Context, c *data.Clerk) error {
	if c.ID == "" || c.Login == "" || c.Name == "" || c.Role.Label() == "" {
		return data.Errorf(data.EINVALID, "工作人员须有编号、登录名、姓名和角色")
	}
	if c.Role == data.RoleClerk && c.LiaisonPointID == "" {
		return data.Errorf(data.EINVALID, "联络点经办人须属于一个人才联络点")
	}
	return s.inWrite(ctx, func(tx *txn) error {
		var before sql.NullString
		if err := queryRow(ctx, tx, `SELECT liaison_point_id FROM clerks WHERE id = ?`, c.ID).Scan(&before); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := saveClerkTx(ctx, tx, c); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return data.Errorf(data.ECONFLICT, "登录名 %s 已被使用", c.Login)
			}
			return err
		}
		if err := s.auditAdmin(ctx, tx, "user", "login", c.Login, "name", c.Name, "role", string(c.Role), "liaison_point_id", c.LiaisonPointID,
			"active", fmt.Sprint(c.Active), "password", "（已设置，不记录）"); err != nil {
			return err
		}
		// Password hashes go only to the devices the person may log in at;
		// a move from another point goes to every desk once, so that the
		// old point's stop letting the person in.
		scope := scopeBureau
		if c.Role == data.RoleClerk {
			scope = scopePoint(c.LiaisonPointID)
		}
		if before.String != c.LiaisonPointID && before.Valid {
			scope = scopeAll
		}
		return s.logChange(ctx, tx, data.ChangeClerk, c.ID, scope)
	})
}

func saveClerkTx(ctx context.Context, tx *txn, c *data.Clerk) error {
	_, err := exec(ctx, tx, `INSERT INTO clerks (id, login, name, role, liaison_point_id, password_hash, active) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET login = excluded.login, name = excluded.name, role = excluded.role,
		liaison_point_id = excluded.liaison_point_id, password_hash = excluded.password_hash, active = excluded.active`,
		c.ID, c.Login, c.Name, string(c.Role), sql.NullString{String: c.LiaisonPointID, Valid: c.LiaisonPointID != ""}, c.PasswordHash, c.Active)
	return err
}

const clerkColumns = `id, login, name, role, liaison_point_id, password_hash, active`

func scanClerk(row interface{ Scan(...any) error }) (*data.Clerk, error) {
	var (
		c  data.Clerk
		lp sql.NullString
	)
	err := row.Scan(&c.ID, &c.Login, &c.Name, &c.Role, &lp, &c.PasswordHash, &c.Active)
	c.LiaisonPointID = lp.String
	return &c, err
}

// clerkTx finds one clerk by a condition on the clerks table.
func clerkTx(ctx context.Context, tx *txn, where string, arg any) (*data.Clerk, error) {
	c, err := scanClerk(queryRow(ctx, tx, `SELECT `+clerkColumns+` FROM clerks WHERE `+where, arg))
	return c, notFound(err, "工作人员", arg)
}

// ClerkByLogin returns the clerk who logs in with that name.
func (s *Store) ClerkByLogin(ctx context.Context, login string) (c *data.Clerk, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		c, err = clerkTx(ctx, tx, `login = ?`, login)
		return err
	})
	return c, err
}

// Clerks lists clerks and reviewers by login.
func (s *Store) Clerks(ctx context.Context) ([]data.Clerk, error) {
	var out []data.Clerk
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT `+clerkColumns+` FROM clerks ORDER BY login`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanClerk(rows)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return rows.Err()
	})
	return out, err
}

// reasonsTx lists reasons matching where (a condition on reasons), in
// display order.
func reasonsTx(ctx context.Context, tx *txn, where string, args ...any) ([]data.Reason, error) {
	rows, err := query(ctx, tx, `SELECT id, step, text, ord, active FROM reasons WHERE `+where+` ORDER BY step, ord, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.Reason
	for rows.Next() {
		var r data.Reason
		if err := rows.Scan(&r.ID, &r.Step, &r.Text, &r.Order, &r.Active); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AllReasons lists every common reason, retired ones too, by step and
// display order: what an administrator edits.
func (s *Store) AllReasons(ctx context.Context) (out []data.Reason, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		out, err = reasonsTx(ctx, tx, `1`)
		return err
	})
	return out, err
}

// Reasons lists the active common reasons of a step in display order.
func (s *Store) Reasons(ctx context.Context, step data.ReasonStep) (out []data.Reason, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		out, err = reasonsTx(ctx, tx, `step = ? AND active`, string(step))
		return err
	})
	return out, err
}

// SaveReason inserts a reason (ID 0, which is then set) or updates one;
// retired reasons are kept inactive because old decisions quote them.
func (s *Store) SaveReason(ctx context.Context, r *data.Reason) error {
	if r.Text == "" || (r.Step != data.StepReview && r.Step != data.StepCounter) {
		return data.Errorf(data.EINVALID, "原因须有文字和所属环节")
	}
	// A reason the state machine would refuse on every decision is refused here.
	if err := data.CheckText("原因", r.Text, data.FieldLength*2); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		var err error
		if r.ID == 0 {
			err = queryRow(ctx, tx, `INSERT INTO reasons (step, text, ord, active) VALUES (?, ?, ?, ?) RETURNING id`,
				string(r.Step), r.Text, r.Order, r.Active).Scan(&r.ID)
		} else {
			_, err = exec(ctx, tx, `UPDATE reasons SET step = ?, text = ?, ord = ?, active = ? WHERE id = ?`, string(r.Step), r.Text, r.Order, r.Active, r.ID)
		}
		if err != nil {
			return err
		}
		if err := s.auditAdmin(ctx, tx, "reason", "step", string(r.Step), "text", r.Text, "active", fmt.Sprint(r.Active)); err != nil {
			return err
		}
		return s.logChange(ctx, tx, data.ChangeReasons, "all", scopeAll)
	})
}

// replaceReasonsTx replaces the whole catalogue with a pulled one.
func replaceReasonsTx(ctx context.Context, tx *txn, rs []data.Reason) error {
	if _, err := exec(ctx, tx, `DELETE FROM reasons`); err != nil {
		return err
	}
	for _, r := range rs {
		if _, err := exec(ctx, tx, `INSERT INTO reasons (id, step, text, ord, active) VALUES (?, ?, ?, ?, ?)`,
			r.ID, string(r.Step), r.Text, r.Order, r.Active); err != nil {
			return err
		}
	}
	return nil
}

func feesTx(ctx context.Context, tx *txn) ([]data.Fee, error) {
	rows, err := query(ctx, tx, `SELECT level, amount FROM fees ORDER BY amount, level`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.Fee
	for rows.Next() {
		var f data.Fee
		if err := rows.Scan(&f.Level, &f.Amount); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Fees returns the fee schedule by level.
func (s *Store) Fees(ctx context.Context) (out []data.Fee, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		out, err = feesTx(ctx, tx)
		return err
	})
	return out, err
}

// Fee returns the fee for a level (申报级别), which a payment notice charges.
func (s *Store) Fee(ctx context.Context, level string) (data.Fen, error) {
	var amount data.Fen
	err := s.inRead(ctx, func(tx *txn) error {
		return notFound(queryRow(ctx, tx, `SELECT amount FROM fees WHERE level = ?`, level).Scan(&amount), "该申报级别的收费标准", level)
	})
	return amount, err
}

// SaveFee sets the fee of a level.
func (s *Store) SaveFee(ctx context.Context, f data.Fee) error {
	if f.Level == "" || f.Amount < 0 {
		return data.Errorf(data.EINVALID, "收费标准须有申报级别和不小于零的金额")
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if _, err := exec(ctx, tx, `INSERT INTO fees (level, amount) VALUES (?, ?) ON CONFLICT (level) DO UPDATE SET amount = excluded.amount`,
			f.Level, int64(f.Amount)); err != nil {
			return err
		}
		if err := s.auditAdmin(ctx, tx, "fee-set", "level", f.Level, "amount", f.Amount.String()); err != nil {
			return err
		}
		return s.logChange(ctx, tx, data.ChangeFees, "all", scopeAll)
	})
}

// replaceFeesTx replaces the fee schedule with a pulled one.
func replaceFeesTx(ctx context.Context, tx *txn, fees []data.Fee) error {
	if _, err := exec(ctx, tx, `DELETE FROM fees`); err != nil {
		return err
	}
	for _, f := range fees {
		if _, err := exec(ctx, tx, `INSERT INTO fees (level, amount) VALUES (?, ?)`, f.Level, int64(f.Amount)); err != nil {
			return err
		}
	}
	return nil
}

func calendarDaysTx(ctx context.Context, tx *txn) ([]data.CalendarDay, error) {
	rows, err := query(ctx, tx, `SELECT date, work, name FROM calendar_days ORDER BY date`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var days []data.CalendarDay
	for rows.Next() {
		var d data.CalendarDay
		if err := rows.Scan(&d.Date, &d.Work, &d.Name); err != nil {
			return nil, err
		}
		days = append(days, d)
	}
	return days, rows.Err()
}

func (s *Store) calendarTx(ctx context.Context, tx *txn) (*data.Calendar, error) {
	days, err := calendarDaysTx(ctx, tx)
	if err != nil {
		return nil, err
	}
	return data.DefaultCalendar().With(days)
}

// Calendar is data.DefaultCalendar with the bureau's stored days on top.
func (s *Store) Calendar(ctx context.Context) (c *data.Calendar, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		c, err = s.calendarTx(ctx, tx)
		return err
	})
	return c, err
}

// SaveCalendarDays stores the bureau's holidays and adjusted working days,
// replacing those on the same dates.
func (s *Store) SaveCalendarDays(ctx context.Context, days []data.CalendarDay) error {
	if _, err := data.NewCalendar(days); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		for _, d := range days {
			if _, err := exec(ctx, tx, `INSERT INTO calendar_days (date, work, name) VALUES (?, ?, ?)
				ON CONFLICT (date) DO UPDATE SET work = excluded.work, name = excluded.name`, d.Date, d.Work, d.Name); err != nil {
				return err
			}
		}
		var list []string
		for _, d := range days {
			list = append(list, fmt.Sprintf("%s %v %s", d.Date, d.Work, d.Name))
		}
		if err := s.auditAdmin(ctx, tx, "calendar-import", "days", strings.Join(list, "；")); err != nil {
			return err
		}
		return s.logChange(ctx, tx, data.ChangeCalendar, "all", scopeAll)
	})
}

// replaceCalendarTx replaces the stored days with a pulled set.
func replaceCalendarTx(ctx context.Context, tx *txn, days []data.CalendarDay) error {
	if _, err := exec(ctx, tx, `DELETE FROM calendar_days`); err != nil {
		return err
	}
	for _, d := range days {
		if _, err := exec(ctx, tx, `INSERT INTO calendar_days (date, work, name) VALUES (?, ?, ?)`, d.Date, d.Work, d.Name); err != nil {
			return err
		}
	}
	return nil
}

// Reference reads the tables an applicant's choices are checked against.
func (s *Store) Reference(ctx context.Context) (*data.Reference, error) {
	var r *data.Reference
	err := s.inRead(ctx, func(tx *txn) (err error) {
		r, err = referenceTx(ctx, tx)
		return err
	})
	return r, err
}

func referenceTx(ctx context.Context, tx *txn) (*data.Reference, error) {
	r := &data.Reference{Points: map[string]bool{}, Required: map[string][]string{}, Fees: map[string]data.Fen{}}
	fees, err := feesTx(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, f := range fees {
		r.Levels = append(r.Levels, f.Level)
		r.Fees[f.Level] = f.Amount
	}
	rows, err := query(ctx, tx, `SELECT id, active FROM liaison_points`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   string
			open bool
		)
		if err := rows.Scan(&id, &open); err != nil {
			return nil, err
		}
		r.Points[id] = open
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	req, err := query(ctx, tx, `SELECT level, kind FROM required_materials ORDER BY level, ord, kind`)
	if err != nil {
		return nil, err
	}
	defer req.Close()
	for req.Next() {
		var level, kind string
		if err := req.Scan(&level, &kind); err != nil {
			return nil, err
		}
		r.Required[level] = append(r.Required[level], kind)
	}
	return r, req.Err()
}
