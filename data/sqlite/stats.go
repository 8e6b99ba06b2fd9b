package sqlite

import (
	"context"
	"database/sql"
	"time"

	"titledesk/data"
)

// CountsByPoint counts applications per liaison point and status.
func (s *Store) CountsByPoint(ctx context.Context) (map[string]map[data.Status]int, error) {
	out := map[string]map[data.Status]int{}
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := query(ctx, tx, `SELECT liaison_point_id, status, n FROM status_counts WHERE n > 0`)
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
	err := s.inRead(ctx, func(tx *sql.Tx) error {
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
