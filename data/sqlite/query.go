package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"titledesk/data"
)

// FindApplications returns one page of the applications that match f and
// the number of all matches, from one snapshot.
func (s *Store) FindApplications(ctx context.Context, f data.ApplicationFilter) ([]data.ApplicationSummary, int, error) {
	where, args, scan := applicationWhere(f)
	order := `submitted_at, no`
	if !f.DeadlineBefore.IsZero() {
		order = `supplement_deadline, no`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	var (
		page  []data.ApplicationSummary
		total int
	)
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		// A name search must look at every name anyway, so one statement
		// gives the page and, through the window, the total. Other filters
		// are counted on their covering index, which is cheaper than
		// materialising every match for the window.
		total = -1
		window := "NULL"
		if scan {
			window = "COUNT(*) OVER ()"
		} else {
			if err := queryRow(ctx, tx, `SELECT COUNT(*) FROM applications WHERE `+where, args...).Scan(&total); err != nil || total <= f.Offset {
				return err
			}
		}
		rows, err := query(ctx, tx, `SELECT id, no, version, status, series, qualification, level, method,
			liaison_point_id, name, id_number, unit_name, assignee_name, submitted_at, reviewed_at, supplement_deadline, `+window+`
			FROM applications WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				a data.ApplicationSummary
				n sql.NullInt64
			)
			if err := rows.Scan(&a.ID, &a.No, &a.Version, &a.Status, &a.Series, &a.Qualification, &a.Level, &a.Method,
				&a.LiaisonPointID, &a.Name, &a.IDNumber, &a.UnitName, &a.AssigneeName,
				nullTime{&a.SubmittedAt}, nullTime{&a.ReviewedAt}, nullTime{&a.SupplementDeadline}, &n); err != nil {
				return err
			}
			if n.Valid {
				total = int(n.Int64)
			}
			page = append(page, a)
		}
		if err := rows.Err(); err != nil || total >= 0 {
			return err
		}
		// A name search paged past the end: the window saw no rows.
		return queryRow(ctx, tx, `SELECT COUNT(*) FROM applications WHERE `+where, args...).Scan(&total)
	})
	return page, total, err
}

// applicationWhere turns a filter into SQL. Every condition is written so
// that SQLite can use the indexes of 001_schema.sql; only a name search
// scans, which scan reports.
func applicationWhere(f data.ApplicationFilter) (where string, args []any, scan bool) {
	conds := []string{"1"}
	q := data.Normalize(f.Search)
	// With a search, the matches come from a search index (below); a unary
	// + keeps SQLite from driving the query by the queue index instead,
	// which on a one-point desk walks all of its 100,000 entries.
	col := func(c string) string {
		if q != "" && !(len(q) == 18 && isNumberLike(q)) {
			return "+" + c
		}
		return c
	}
	eq := func(c, v string) {
		if v != "" {
			conds = append(conds, col(c)+" = ?")
			args = append(args, v)
		}
	}
	eq("liaison_point_id", f.LiaisonPointID)
	eq("unit_id", f.UnitID)
	eq("applicant_id", f.ApplicantID)
	eq("assignee_id", f.AssigneeID)
	if len(f.Statuses) > 0 {
		conds = append(conds, col("status")+" IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	eq("series", f.Series)
	eq("level", f.Level)
	if !f.SubmittedFrom.IsZero() {
		conds = append(conds, "submitted_at >= ?")
		args = append(args, data.Midnight(f.SubmittedFrom).UnixNano())
	}
	if !f.SubmittedTo.IsZero() {
		conds = append(conds, "submitted_at < ?")
		args = append(args, data.Midnight(f.SubmittedTo).AddDate(0, 0, 1).UnixNano())
	}
	if !f.DeadlineBefore.IsZero() {
		conds = append(conds, "supplement_deadline IS NOT NULL AND supplement_deadline < ?")
		args = append(args, f.DeadlineBefore.UnixNano())
	}
	// Every search is answered from a narrow index first and only then
	// joined with the other filters: on a desk whose one liaison point holds
	// 100,000 applications, testing the rows a queue index picks reads tens
	// of thousands of wide rows (30–400 ms), the index a few milliseconds.
	switch {
	case q == "":
	case len(q) == 18 && isNumberLike(q):
		eq("id_number", q)
	case isNumberLike(q):
		// Application numbers and identity numbers are both digits: a
		// prefix of either matches. '~' sorts after every digit and letter.
		conds = append(conds, `rowid IN (SELECT rowid FROM applications WHERE no >= ? AND no < ?
			UNION ALL SELECT rowid FROM applications WHERE id_number >= ? AND id_number < ?)`)
		args = append(args, q, q+"~", q, q+"~")
		scan = true
	default:
		conds = append(conds, `rowid IN (SELECT rowid FROM applications WHERE name LIKE ? ESCAPE '\')`)
		args = append(args, "%"+likeEscaper.Replace(strings.TrimSpace(f.Search))+"%")
		scan = true
	}
	return strings.Join(conds, " AND "), args, scan
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// isNumberLike reports whether q consists of digits and an identity
// number's X, as numbers typed or scanned do.
func isNumberLike(q string) bool {
	for i := 0; i < len(q); i++ {
		if (q[i] < '0' || q[i] > '9') && q[i] != 'X' {
			return false
		}
	}
	return true
}

// CountByStatus counts applications per status, for one liaison point or,
// with "", for all.
func (s *Store) CountByStatus(ctx context.Context, liaisonPointID string) (map[data.Status]int, error) {
	counts := map[data.Status]int{}
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		q, args := `SELECT status, COUNT(*) FROM applications GROUP BY status`, []any{}
		if liaisonPointID != "" {
			q, args = `SELECT status, COUNT(*) FROM applications WHERE liaison_point_id = ? GROUP BY status`, []any{liaisonPointID}
		}
		rows, err := query(ctx, tx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				st data.Status
				n  int
			)
			if err := rows.Scan(&st, &n); err != nil {
				return err
			}
			counts[st] = n
		}
		return rows.Err()
	})
	return counts, err
}
