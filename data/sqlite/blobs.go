package sqlite

import (
	"context"

	"titledesk/data"
)

// BlobVisible reports whether a device may fetch a blob: it must be a scan
// of an application in the device's scope, or a payment proof of one.
func (s *Store) BlobVisible(ctx context.Context, dev *data.Device, sum string) (bool, error) {
	point := dev.LiaisonPointID // "" for a bureau device: every point
	if dev.Role == data.RoleBureau {
		point = ""
	}
	return s.blobNamed(ctx, sum, point)
}

// BlobReferenced reports whether any application names a blob, as a scan
// or a payment proof: one no application names may go.
func (s *Store) BlobReferenced(ctx context.Context, sum string) (bool, error) {
	return s.blobNamed(ctx, sum, "")
}

// blobNamed is whether an application of point ("" for any) names sum.
func (s *Store) blobNamed(ctx context.Context, sum, point string) (bool, error) {
	var ok bool
	err := s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT EXISTS (SELECT 1 FROM attachments t JOIN applications a ON a.id = t.application_id
				WHERE (t.sha256 = ?1 OR t.display_sha256 = ?1) AND (?2 = '' OR a.liaison_point_id = ?2))
			OR EXISTS (SELECT 1 FROM applications WHERE payment_proof = ?1 AND (?2 = '' OR liaison_point_id = ?2))`,
			sum, point).Scan(&ok)
	})
	return ok, err
}

// BlobsToFetch lists the scans of applications in the given statuses, which
// a workstation prefetches so the counter works offline.
func (s *Store) BlobsToFetch(ctx context.Context, statuses []data.Status) ([]string, error) {
	var out []string
	err := s.inRead(ctx, func(tx *txn) error {
		args := statusArgs(statuses)
		var err error
		// The display rendition where there is one: that is what the desk shows.
		out, err = queryStrings(ctx, tx, `SELECT DISTINCT CASE WHEN t.display_sha256 <> '' THEN t.display_sha256 ELSE t.sha256 END
			FROM attachments t JOIN applications a ON a.id = t.application_id
			WHERE a.status IN (`+placeholders(len(args))+`) ORDER BY t.sha256`, args...)
		return err
	})
	return out, err
}
