package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"titledesk/data"
)

// notFound turns sql.ErrNoRows into ENOTFOUND with a Chinese message.
func notFound(err error, what string, key any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return data.Errorf(data.ENOTFOUND, "找不到%s %v", what, key)
	}
	return err
}

// SaveLiaisonPoint inserts or replaces a liaison point.
func (s *Store) SaveLiaisonPoint(ctx context.Context, p *data.LiaisonPoint) error {
	if p.ID == "" || p.Code == "" || p.Name == "" {
		return data.Errorf(data.EINVALID, "人才联络点须有编号、代码和名称")
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO liaison_points (id, code, name, place, address, phone, active) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, place = excluded.place,
			address = excluded.address, phone = excluded.phone, active = excluded.active`,
			p.ID, data.Normalize(p.Code), p.Name, p.Place, p.Address, p.Phone, p.Active)
		return err
	})
}

// LiaisonPoints lists all liaison points by name.
func (s *Store) LiaisonPoints(ctx context.Context) ([]data.LiaisonPoint, error) {
	var out []data.LiaisonPoint
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, code, name, place, address, phone, active FROM liaison_points ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p data.LiaisonPoint
			if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.Place, &p.Address, &p.Phone, &p.Active); err != nil {
				return err
			}
			out = append(out, p)
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
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO units (id, name, credit_code, contact_name, contact_mobile, approved, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, credit_code = excluded.credit_code, contact_name = excluded.contact_name,
			contact_mobile = excluded.contact_mobile, approved = excluded.approved`,
			u.ID, u.Name, u.CreditCode, u.ContactName, u.ContactMobile, u.Approved, ts(u.CreatedAt))
		return err
	})
}

// Unit returns the unit with that ID.
func (s *Store) Unit(ctx context.Context, id string) (*data.Unit, error) {
	var u data.Unit
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, name, credit_code, contact_name, contact_mobile, approved, created_at FROM units WHERE id = ?`, id).
			Scan(&u.ID, &u.Name, &u.CreditCode, &u.ContactName, &u.ContactMobile, &u.Approved, nullTime{&u.CreatedAt})
		return notFound(err, "单位", id)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// SaveClerk inserts or replaces a clerk or reviewer.
func (s *Store) SaveClerk(ctx context.Context, c *data.Clerk) error {
	if c.ID == "" || c.Login == "" || c.Name == "" || c.Role.Label() == "" {
		return data.Errorf(data.EINVALID, "工作人员须有编号、登录名、姓名和角色")
	}
	if c.Role == data.RoleClerk && c.LiaisonPointID == "" {
		return data.Errorf(data.EINVALID, "联络点经办人须属于一个人才联络点")
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO clerks (id, login, name, role, liaison_point_id, password_hash, active) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET login = excluded.login, name = excluded.name, role = excluded.role,
			liaison_point_id = excluded.liaison_point_id, password_hash = excluded.password_hash, active = excluded.active`,
			c.ID, c.Login, c.Name, string(c.Role), sql.NullString{String: c.LiaisonPointID, Valid: c.LiaisonPointID != ""}, c.PasswordHash, c.Active)
		return err
	})
}

// ClerkByLogin returns the clerk who logs in with that name.
func (s *Store) ClerkByLogin(ctx context.Context, login string) (*data.Clerk, error) {
	var (
		c  data.Clerk
		lp sql.NullString
	)
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, login, name, role, liaison_point_id, password_hash, active FROM clerks WHERE login = ?`, login).
			Scan(&c.ID, &c.Login, &c.Name, &c.Role, &lp, &c.PasswordHash, &c.Active)
		return notFound(err, "工作人员", login)
	})
	if err != nil {
		return nil, err
	}
	c.LiaisonPointID = lp.String
	return &c, nil
}

// Reasons lists the active common reasons of a step in display order.
func (s *Store) Reasons(ctx context.Context, step data.ReasonStep) ([]data.Reason, error) {
	var out []data.Reason
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, step, text, ord, active FROM reasons WHERE step = ? AND active ORDER BY ord, id`, string(step))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r data.Reason
			if err := rows.Scan(&r.ID, &r.Step, &r.Text, &r.Order, &r.Active); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// SaveReason inserts a reason (ID 0, which is then set) or updates one;
// retired reasons are kept inactive because old decisions quote them.
func (s *Store) SaveReason(ctx context.Context, r *data.Reason) error {
	if r.Text == "" || (r.Step != data.StepReview && r.Step != data.StepCounter) {
		return data.Errorf(data.EINVALID, "原因须有文字和所属环节")
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if r.ID == 0 {
			return tx.QueryRowContext(ctx, `INSERT INTO reasons (step, text, ord, active) VALUES (?, ?, ?, ?) RETURNING id`,
				string(r.Step), r.Text, r.Order, r.Active).Scan(&r.ID)
		}
		_, err := tx.ExecContext(ctx, `UPDATE reasons SET step = ?, text = ?, ord = ?, active = ? WHERE id = ?`, string(r.Step), r.Text, r.Order, r.Active, r.ID)
		return err
	})
}

// Fees returns the fee schedule by level.
func (s *Store) Fees(ctx context.Context) ([]data.Fee, error) {
	var out []data.Fee
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT level, amount FROM fees ORDER BY amount, level`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f data.Fee
			if err := rows.Scan(&f.Level, &f.Amount); err != nil {
				return err
			}
			out = append(out, f)
		}
		return rows.Err()
	})
	return out, err
}

// Fee returns the fee for a level (申报级别), which a payment notice charges.
func (s *Store) Fee(ctx context.Context, level string) (data.Fen, error) {
	var amount data.Fen
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		return notFound(tx.QueryRowContext(ctx, `SELECT amount FROM fees WHERE level = ?`, level).Scan(&amount), "该申报级别的收费标准", level)
	})
	return amount, err
}

// SaveFee sets the fee of a level.
func (s *Store) SaveFee(ctx context.Context, f data.Fee) error {
	if f.Level == "" || f.Amount < 0 {
		return data.Errorf(data.EINVALID, "收费标准须有申报级别和不小于零的金额")
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO fees (level, amount) VALUES (?, ?) ON CONFLICT (level) DO UPDATE SET amount = excluded.amount`, f.Level, int64(f.Amount))
		return err
	})
}

// Calendar is data.DefaultCalendar with the bureau's stored days on top.
func (s *Store) Calendar(ctx context.Context) (*data.Calendar, error) {
	var days []data.CalendarDay
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT date, work, name FROM calendar_days ORDER BY date`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d data.CalendarDay
			if err := rows.Scan(&d.Date, &d.Work, &d.Name); err != nil {
				return err
			}
			days = append(days, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return data.DefaultCalendar().With(days)
}

// SaveCalendarDays stores the bureau's holidays and adjusted working days,
// replacing those on the same dates.
func (s *Store) SaveCalendarDays(ctx context.Context, days []data.CalendarDay) error {
	if _, err := data.NewCalendar(days); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (date, work, name) VALUES (?, ?, ?)
				ON CONFLICT (date) DO UPDATE SET work = excluded.work, name = excluded.name`, d.Date, d.Work, d.Name); err != nil {
				return err
			}
		}
		return nil
	})
}
