package sqlite

import (
	"context"
	"time"

	"titledesk/data"
)

// CountsByPoint counts applications per liaison point and status.
func (s *Store) CountsByPoint(ctx context.Context) (map[string]map[data.Status]int, error) {
	return s.countsBy(ctx, `SELECT liaison_point_id, status, n FROM status_counts WHERE n > 0`)
}

// countsBy runs q, which gives (point, status, count) rows, into a map.
func (s *Store) countsBy(ctx context.Context, q string, args ...any) (map[string]map[data.Status]int, error) {
	out := map[string]map[data.Status]int{}
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				point string
				st    data.Status
				n     int
			)
			if err := rows.Scan(&point, &st, &n); err != nil {
				return err
			}
			if out[point] == nil {
				out[point] = map[data.Status]int{}
			}
			out[point][st] = n
		}
		return rows.Err()
	})
	return out, err
}

// OverdueByPoint counts, per liaison point, applications whose supplement
// deadline is before day and that still wait in paper_deficient.
func (s *Store) OverdueByPoint(ctx context.Context, day time.Time) (map[string]int, error) {
	out := map[string]int{}
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT liaison_point_id, count(*) FROM applications
			WHERE status = ? AND supplement_deadline < ? GROUP BY liaison_point_id`, string(data.StatusPaperDeficient), data.Midnight(day).UnixNano())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				point string
				n     int
			)
			if err := rows.Scan(&point, &n); err != nil {
				return err
			}
			out[point] = n
		}
		return rows.Err()
	})
	return out, err
}

// History is, per application with a decision in [from, to), its
// decisions before to in order, with its liaison point: what data.Figures
// sums.
func (s *Store) History(ctx context.Context, from, to time.Time) ([][]data.StepEvent, error) {
	var out [][]data.StepEvent
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT d.application_id, a.liaison_point_id, d.action, d.from_status, d.to_status, d.at
			FROM decisions d JOIN applications a ON a.id = d.application_id
			WHERE d.application_id IN (SELECT application_id FROM decisions WHERE at >= ? AND at < ?) AND d.at < ?
			ORDER BY d.application_id, d.ord`, from.UnixNano(), to.UnixNano(), to.UnixNano())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e data.StepEvent
			if err := rows.Scan(&e.ApplicationID, &e.PointID, &e.Action, &e.From, &e.To, nullTime{&e.At}); err != nil {
				return err
			}
			if n := len(out); n == 0 || out[n-1][0].ApplicationID != e.ApplicationID {
				out = append(out, nil)
			}
			out[len(out)-1] = append(out[len(out)-1], e)
		}
		return rows.Err()
	})
	return out, err
}

// CountsAsOf counts applications per liaison point and the status each
// had at at, from their decisions (the status of the last one by then):
// what the 统计 of a past day shows. Those with no decision by then had
// not been submitted.
func (s *Store) CountsAsOf(ctx context.Context, at time.Time) (map[string]map[data.Status]int, error) {
	return s.countsBy(ctx, `SELECT a.liaison_point_id, d.to_status, count(*)
		FROM (SELECT application_id, max(ord) AS ord FROM decisions WHERE at <= ? GROUP BY application_id) last
		JOIN decisions d ON d.application_id = last.application_id AND d.ord = last.ord
		JOIN applications a ON a.id = d.application_id
		GROUP BY 1, 2`, at.UnixNano())
}
