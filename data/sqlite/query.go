package sqlite

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"unicode/utf8"

	"titledesk/data"
)

// FindApplications returns one page of the applications that match f and
// the number of all matches, from one snapshot; a number prefix matching
// more than data.SearchCap counts only to data.SearchCap+1.
func (s *Store) FindApplications(ctx context.Context, f data.ApplicationFilter) ([]data.ApplicationSummary, int, error) {
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
	err := s.inRead(ctx, func(tx *txn) error {
		// A number prefix may match anything from one application to all
		// of them; a look at its own index (stopping past SearchCap) says
		// which plan fits. Names go through name_grams (see searchOf); one
		// character walks the status index where the point asked for holds
		// most of what it walks.
		sp := searchOf(f.Search, f.Statuses, true)
		if sp.dense && f.LiaisonPointID != "" {
			// Walked only where the point holds at least half of what the
			// walk reads, by the kept counts: on its own desk it holds all.
			var point, all int
			whole := f
			whole.LiaisonPointID = ""
			if err := countKept(ctx, tx, f).Scan(&point); err != nil {
				return err
			}
			if err := countKept(ctx, tx, whole).Scan(&all); err != nil {
				return err
			}
			if point*2 < all {
				sp = searchOf(f.Search, f.Statuses, false)
			}
		}
		dense := sp.dense
		if dense && len(f.Statuses) == 0 {
			// Every status, so that the search walks the status index too.
			f.Statuses = data.Statuses
		}
		if sp.numeric {
			if err := queryRow(ctx, tx, `SELECT count(*) FROM (`+sp.rowids+` LIMIT ?)`,
				append(sp.args, data.SearchCap+1)...).Scan(&total); err != nil {
				return err
			}
			dense = total > data.SearchCap
		}
		where, args := applicationWhere(f, sp, dense)
		// A dense search counts its matches only up to SearchCap, other
		// filters on their covering index; a sparse search gets page and
		// total from one statement, through the window.
		window := "NULL"
		switch {
		case dense:
			err := queryRow(ctx, tx, `SELECT count(*) FROM (SELECT 1 FROM applications WHERE `+where+` LIMIT ?)`,
				append(append([]any{}, args...), data.SearchCap+1)...).Scan(&total)
			if err != nil || total <= f.Offset {
				return err
			}
		case sp.rowids != "":
			window = "COUNT(*) OVER ()"
			total = 0
		case byStatusAndPoint(f):
			if err := countKept(ctx, tx, f).Scan(&total); err != nil || total <= f.Offset {
				return err
			}
		default:
			if err := queryRow(ctx, tx, `SELECT COUNT(*) FROM applications WHERE `+where, args...).Scan(&total); err != nil || total <= f.Offset {
				return err
			}
		}
		columns := `id, no, version, status, series, qualification, level, method,
			liaison_point_id, name, id_number, unit_name, assignee_name, submitted_at, reviewed_at, supplement_deadline,
			coalesce(certificate_no, '') AS certificate_no, certificate_at, coalesce(notice_amount, 0) AS notice_amount, notice_issued_at,
			` + window + ` AS total`
		q := `SELECT ` + columns + ` FROM applications WHERE ` + where
		limits := []any{limit, max(f.Offset, 0)}
		if len(f.Statuses) > 1 && sp.rowids == "" && f.DeadlineBefore.IsZero() {
			// Several statuses in submission order: each status's first
			// offset+limit from its own part of an index, merged, instead
			// of sorting every application that waits; only the page's own
			// rows are read whole.
			var parts []string
			args = nil
			for _, st := range f.Statuses {
				g := f
				g.Statuses = []data.Status{st}
				w, a := applicationWhere(g, sp, dense)
				parts = append(parts, `SELECT * FROM (SELECT rowid AS r, submitted_at, no FROM applications WHERE `+w+` ORDER BY `+order+` LIMIT ?)`)
				args = append(append(args, a...), max(f.Offset, 0)+limit)
			}
			q = `SELECT ` + columns + ` FROM applications WHERE rowid IN (SELECT r FROM (` + strings.Join(parts, ` UNION ALL `) +
				`) ORDER BY ` + order + ` LIMIT ? OFFSET ?)`
			args, limits = append(args, limits...), []any{limit, 0}
		}
		rows, err := query(ctx, tx, q+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limits...)...)
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
				nullTime{&a.SubmittedAt}, nullTime{&a.ReviewedAt}, nullTime{&a.SupplementDeadline},
				&a.CertificateNo, nullTime{&a.CertifiedAt}, &a.NoticeAmount, nullTime{&a.NoticeIssuedAt}, &n); err != nil {
				return err
			}
			if n.Valid {
				total = int(n.Int64)
			}
			page = append(page, a)
		}
		if err := rows.Err(); err != nil || window == "NULL" || len(page) > 0 || f.Offset == 0 {
			return err
		}
		// A sparse search paged past its end: the window saw no rows.
		return queryRow(ctx, tx, `SELECT COUNT(*) FROM applications WHERE `+where, args...).Scan(&total)
	})
	return page, total, err
}

// byStatusAndPoint reports whether f keeps applications by status and
// liaison point alone, as the queues do: the kept counts (migration 034)
// give its total without counting the rows.
func byStatusAndPoint(f data.ApplicationFilter) bool {
	g := f
	g.Statuses, g.LiaisonPointID, g.Limit, g.Offset = nil, "", 0, 0
	return reflect.ValueOf(g).IsZero()
}

// countKept is the total of f (see byStatusAndPoint) from the kept counts.
func countKept(ctx context.Context, tx *txn, f data.ApplicationFilter) *sql.Row {
	q, args := `SELECT coalesce(sum(n), 0) FROM status_counts WHERE 1`, []any{}
	if f.LiaisonPointID != "" {
		q, args = q+` AND liaison_point_id = ?`, append(args, f.LiaisonPointID)
	}
	if len(f.Statuses) > 0 {
		q, args = q+` AND status IN (`+placeholders(len(f.Statuses))+`)`, append(args, statusArgs(f.Statuses)...)
	}
	return queryRow(ctx, tx, q, args...)
}

// searchPart is a search's own part of the query: the rowids it matches,
// answered from its own indexes, and for number prefixes the same test as a
// condition on the row, for the dense plan. Zero for no search. A dense
// search (one character of a name) has only the condition:
// it is always answered on the status index (applications_status holds the
// names) in submission order.
type searchPart struct {
	rowids, cond   string
	args           []any
	numeric, dense bool
}

func searchOf(search string, statuses []data.Status, walk bool) searchPart {
	typed := strings.TrimSpace(search)
	switch q := data.Normalize(search); {
	case q == "":
		return searchPart{}
	case isNumberLike(q):
		// Application numbers and identity numbers are both digits: a
		// prefix of either matches, and four characters are also the last
		// four of either (migrations 039, 042). '~' sorts after every digit
		// and letter.
		cond, args := "no >= ? AND no < ? OR id_number >= ? AND id_number < ?", []any{q, q + "~", q, q + "~"}
		if len(q) == idTail {
			cond, args = cond+" OR substr(id_number, -4) = ? OR substr(no, -4) = ?", append(args, q, q)
		}
		cond = "(" + cond + ")"
		return searchPart{rowids: "SELECT rowid FROM applications WHERE " + cond, cond: cond, args: args, numeric: true}
	default:
		// A name, or a certificate number as printed (any characters; the
		// last code point bounds the prefix); two selects, as an OR of a
		// LIKE would read the whole table. The names are those with the
		// search's first pair of characters, or its one character
		// (name_grams); a longer search tests them whole, reading their
		// rows, which a shorter one need not. One character matches too
		// many names to look up one by one ("陈", one in forty): where it
		// may walk, it is dense, found in submission order on the status
		// index, which holds the names, and counted only to SearchCap (no
		// certificate number is one character long). Where the statuses'
		// range is mostly other points' (a point's queue on the server), its
		// matches there are looked up instead.
		names, args := `SELECT rowid FROM applications WHERE id IN (SELECT application_id FROM name_grams WHERE gram = lower(substr(?, 1, 2)))`, []any{typed}
		like := "%" + likeEscaper.Replace(typed) + "%"
		switch n := utf8.RuneCountInString(typed); {
		case n == 1 && walk:
			return searchPart{cond: `name LIKE ? ESCAPE '\'`, args: []any{like}, dense: true}
		case n == 1 && len(statuses) > 0:
			names = `SELECT rowid FROM applications WHERE status IN (` + placeholders(len(statuses)) + `) AND name LIKE ? ESCAPE '\'`
			args = append(statusArgs(statuses), like)
		case n > 2:
			names += ` AND name LIKE ? ESCAPE '\'`
			args = append(args, like)
		}
		return searchPart{rowids: names + ` UNION ALL SELECT rowid FROM applications WHERE certificate_no >= ? AND certificate_no < ?`,
			args: append(args, typed, typed+"\U0010FFFF")}
	}
}

// applicationWhere is the filter as SQL. A sparse search (few matches in
// the whole table) is answered from its own index first and only then
// joined with the other filters, a unary + keeping SQLite off the queue
// index: on a desk whose one point holds 100,000 applications, testing the
// rows a queue index picks reads tens of thousands of wide rows. A dense
// search ("2025", the year every number starts with, as a clerk types it)
// is the opposite: the queue index in submission order finds the first
// page at once.
func applicationWhere(f data.ApplicationFilter, sp searchPart, dense bool) (where string, args []any) {
	conds := []string{"1"}
	col := func(c string) string {
		if sp.rowids != "" && !dense {
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
	if f.LiaisonPointID != "" {
		// A dense name search keeps off the queue index, which lacks the
		// names: on it every row of the queue would be read to test one.
		point := col("liaison_point_id")
		if sp.dense {
			point = "+liaison_point_id"
		}
		conds = append(conds, point+" = ?")
		args = append(args, f.LiaisonPointID)
	}
	eq("unit_id", f.UnitID)
	eq("applicant_id", f.ApplicantID)
	eq("assignee_id", f.AssigneeID)
	if len(f.Statuses) > 0 {
		conds = append(conds, col("status")+" IN ("+placeholders(len(f.Statuses))+")")
		args = append(args, statusArgs(f.Statuses)...)
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
	switch {
	case dense:
		conds = append(conds, sp.cond)
		args = append(args, sp.args...)
	case sp.rowids == "":
	default:
		conds = append(conds, "rowid IN ("+sp.rowids+")")
		args = append(args, sp.args...)
	}
	return strings.Join(conds, " AND "), args
}

// statusArgs are statuses as the arguments of an IN list.
func statusArgs(statuses []data.Status) []any {
	args := make([]any, len(statuses))
	for i, st := range statuses {
		args[i] = string(st)
	}
	return args
}

// idTail is how many characters of an identity or application number a
// clerk asks for to find it: the last four.
const idTail = 4

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
	err := s.inRead(ctx, func(tx *txn) error {
		// Kept by triggers (migration 034), not counted here.
		q, args := `SELECT status, sum(n) FROM status_counts WHERE n > 0 GROUP BY status`, []any{}
		if liaisonPointID != "" {
			q, args = `SELECT status, n FROM status_counts WHERE liaison_point_id = ? AND n > 0`, []any{liaisonPointID}
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
