package sqlite

import (
	"context"
	"database/sql"

	"titledesk/data"
)

// BlobVisible reports whether a device may fetch a blob: it must be a scan
// of an application in the device's scope, or a payment proof of one.
func (s *Store) BlobVisible(ctx context.Context, dev *data.Device, sum string) (bool, error) {
	var n int
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		q := `SELECT count(*) FROM applications a WHERE (a.payment_proof = ?1 OR EXISTS
			(SELECT 1 FROM attachments t WHERE t.application_id = a.id AND t.sha256 = ?1))`
		args := []any{sum}
		if dev.Role != data.RoleBureau {
			q += ` AND a.liaison_point_id = ?2`
			args = append(args, dev.LiaisonPointID)
		}
		return queryRow(ctx, tx, q, args...).Scan(&n)
	})
	return n > 0, err
}

// BlobsToFetch lists the scans of applications in the given statuses, which
// a workstation prefetches so the counter works offline.
func (s *Store) BlobsToFetch(ctx context.Context, statuses []data.Status) ([]string, error) {
	var out []string
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		args := make([]any, len(statuses))
		for i, st := range statuses {
			args[i] = string(st)
		}
		rows, err := query(ctx, tx, `SELECT DISTINCT t.sha256 FROM attachments t JOIN applications a ON a.id = t.application_id
			WHERE a.status IN (`+placeholders(len(args))+`) ORDER BY t.sha256`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var sum string
			if err := rows.Scan(&sum); err != nil {
				return err
			}
			out = append(out, sum)
		}
		return rows.Err()
	})
	return out, err
}
