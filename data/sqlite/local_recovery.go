package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"titledesk/data"
)

// The workstation's side of "restores lose nothing" (DESIGN.md section 4):
// a server restored from a backup, and a desk restored from an older copy
// of its data folder.

// syncMark is what the desk knows of its sync: the server epoch it last
// saw, the highest seq the server acknowledged to it, its pull cursor and
// the highest seq it issued.
type syncMark struct {
	epoch                  string
	acked, cursor, lastSeq int64
}

func markTx(ctx context.Context, tx *txn) (syncMark, error) {
	var m syncMark
	err := queryRow(ctx, tx, `SELECT epoch, acked_seq, cursor, coalesce((SELECT value FROM counters WHERE name = 'outbox_seq'), 0) FROM identity`).
		Scan(&m.epoch, &m.acked, &m.cursor, &m.lastSeq)
	return m, err
}

// Reconcile compares what the server says at the start of a sync round
// with what this desk knows, in one transaction. A new epoch, or a server
// that acknowledges less or has handed out fewer changes than this desk has
// seen, was restored from a backup: every answered command it may lack is
// marked to be sent again (refused ones with their refusal, so they are
// refused again, not applied), seqs already purged here go as refusals,
// and the desk pulls everything again from the start, dropping afterwards
// what the server no longer has (EndResync).
func (s *Store) Reconcile(ctx context.Context, st data.SyncState, now time.Time) (data.Reconciled, error) {
	var out data.Reconciled
	err := s.inWrite(ctx, func(tx *txn) error {
		m, err := markTx(ctx, tx)
		if err != nil {
			return err
		}
		// A desk that never knew the epoch (enrolled, or upgraded from a
		// release before epochs) pulls everything once as well: a restore
		// before its upgrade would go unseen otherwise.
		first := m.epoch == ""
		out.Restored = !first && st.Epoch != m.epoch || st.AckedSeq < m.acked || st.Head < m.cursor
		out.Rewound = out.Restored || first
		if !out.Rewound {
			out.Renumber = st.AckedSeq > m.lastSeq
			if m.epoch == st.Epoch {
				return nil
			}
			_, err := exec(ctx, tx, `UPDATE identity SET epoch = ?`, st.Epoch)
			return err
		}
		res, err := exec(ctx, tx, `UPDATE outbox SET resend = 1 WHERE seq > ? AND state <> 'pending' AND NOT resend`, st.AckedSeq)
		if err != nil {
			return err
		}
		resent, _ := res.RowsAffected()
		out.Resent = int(resent)
		if out.Lost, err = answerLost(ctx, tx, st.AckedSeq, m.lastSeq, now); err != nil {
			return err
		}
		// The acknowledged seq only goes down: a desk whose own folder is
		// older than the restored server's record of it still has its
		// results to fetch from there (Renumber).
		if _, err := exec(ctx, tx, `UPDATE identity SET epoch = ?, acked_seq = min(acked_seq, ?), cursor = 0, resync = 1`, st.Epoch, st.AckedSeq); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `DELETE FROM resync_seen`); err != nil {
			return err
		}
		out.Renumber = st.AckedSeq > m.lastSeq
		if !out.Restored && out.Resent+out.Lost == 0 {
			return nil
		}
		text := "市局服务器已从备份恢复：备份中有本工作站已同步的全部操作，无需重新提交；本机已从头重新同步全部数据。"
		if out.Resent > 0 {
			text = fmt.Sprintf("市局服务器已从备份恢复，备份中缺少本工作站此前已同步的部分操作：本机已将服务器确认到第 %d 条之后的 %d 条操作重新提交，并从头重新同步全部数据。"+
				"重新提交后无法再执行的操作，会列在“冲突与被拒绝的操作”中，请逐条处理。", st.AckedSeq, out.Resent)
		}
		if out.Lost > 0 {
			text += fmt.Sprintf("另有 %d 条操作已超过本机的保留期，无法重新提交，请联系市局核对这段时间的记录。", out.Lost)
		}
		return addNotice(ctx, tx, now, text)
	})
	return out, err
}

// answerLost keeps, for every seq after acked up to last that this desk
// no longer holds (purged after the retention window), a stand-in that
// tells the server it is lost, so seqs stay contiguous.
func answerLost(ctx context.Context, tx *txn, acked, last int64, now time.Time) (int, error) {
	res, err := exec(ctx, tx, `WITH RECURSIVE lost (seq) AS (SELECT ?1 + 1 WHERE ?1 < ?2 UNION ALL SELECT seq + 1 FROM lost WHERE seq < ?2)
		INSERT INTO outbox (seq, command_id, application_id, at, command, state, code, message, resend, answered_at)
		SELECT seq, 'lost/' || seq, '', ?3, '{"ID":"lost/' || seq || '"}', 'discarded', ?4, ?5, 1, ?3
		FROM lost WHERE seq NOT IN (SELECT seq FROM outbox WHERE seq > ?1)`,
		acked, last, now.UnixNano(), data.EINVALID, "本工作站已不再保留该操作（超过保留期），无法重新提交")
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Renumber recovers a desk restored from an older copy of its folder, with
// the server's stored results for every seq after the desk's acknowledged
// one and the highest document numbers the server has seen from it. An
// entry the server answered under its own command ID takes that answer; an
// entry whose seq the server answered for another command (issued by the
// desk before it was restored) is numbered again after the server's
// acknowledged seq, with the entries after it, in order; the seq counter
// and the document number counters continue after the server's. The clerk
// is told.
func (s *Store) Renumber(ctx context.Context, st data.SyncState, results []data.CommandResult, numbers map[string]int64, now time.Time) (data.Renumbered, error) {
	var out data.Renumbered
	err := s.inWrite(ctx, func(tx *txn) error {
		m, err := markTx(ctx, tx)
		if err != nil {
			return err
		}
		answered := map[int64]data.CommandResult{}
		for _, r := range results {
			answered[r.Seq] = r
		}
		entries, err := outboxTx(ctx, tx, `seq > ? ORDER BY seq`, m.acked)
		if err != nil {
			return err
		}
		var (
			move    []OutboxEntry
			refused []string
		)
		for _, e := range entries {
			r, ok := answered[e.Seq]
			switch {
			case e.Seq > st.AckedSeq:
				if len(move) > 0 {
					move = append(move, e)
				}
			case ok && r.CommandID == e.Command.ID:
				out.Matched++
				id, err := recordResult(ctx, tx, r, now)
				if err != nil {
					return err
				}
				if id != "" {
					refused = append(refused, id)
				}
			default:
				move = append(move, e)
			}
		}
		counters := map[string]int64{}
		for name, n := range numbers {
			counters[name] = n
		}
		reissued, err := reissueNumbers(ctx, tx, move, counters)
		if err != nil {
			return err
		}
		for _, id := range reissued {
			refused = append(refused, id) // laid again with its new number
		}
		if err := renumberTx(ctx, tx, move, st.AckedSeq); err != nil {
			return err
		}
		out.Moved, out.Reissued = len(move), len(reissued)
		counters["outbox_seq"] = max(st.AckedSeq, m.lastSeq)
		if len(move) > 0 {
			counters["outbox_seq"] = max(counters["outbox_seq"], st.AckedSeq+int64(len(move)))
		}
		for name, n := range counters {
			if _, err := exec(ctx, tx, `INSERT INTO counters (name, value) VALUES (?, ?)
				ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`, name, n); err != nil {
				return err
			}
		}
		if _, err := exec(ctx, tx, `UPDATE identity SET acked_seq = max(acked_seq, ?)`, st.AckedSeq); err != nil {
			return err
		}
		for _, id := range refused {
			if err := s.relay(ctx, tx, id); err != nil {
				return err
			}
		}
		text := fmt.Sprintf("本工作站的数据是从较早的备份恢复的：服务器已确认到第 %d 条操作，本机只记录到第 %d 条。已按服务器的结果核对 %d 条操作，"+
			"本机恢复后新做的 %d 条操作已重新编号并提交；缴款通知书和证书编号从服务器已知的最大号之后继续。恢复前做过而备份中没有的办理结果，以同步下来的服务器记录为准。",
			st.AckedSeq, m.lastSeq, out.Matched, out.Moved)
		if len(reissued) > 0 {
			text += fmt.Sprintf("恢复后开具的 %d 份证书的编号与恢复前开具的重号，已改为新编号：请重新打印这些证书交给申请人，收回旧件。", len(reissued))
		}
		if err := addNotice(ctx, tx, now, text); err != nil {
			return err
		}
		return trimApplied(ctx, tx)
	})
	return out, err
}

// reissueNumbers gives new numbers to the certificates that entries issued
// on a restored desk, where the server has seen the
// same counter go as far from the desk before it was restored: every such
// number of the counter, in order, after the server's highest (counters,
// which it raises). The entries have not reached the server, so the
// numbers never repeat there; it returns the applications whose papers
// must be printed again.
func reissueNumbers(ctx context.Context, tx *txn, entries []OutboxEntry, counters map[string]int64) ([]string, error) {
	var dev string
	if err := queryRow(ctx, tx, `SELECT device FROM identity`).Scan(&dev); err != nil {
		return nil, err
	}
	var device data.Device
	if err := json.Unmarshal([]byte(dev), &device); err != nil {
		return nil, err
	}
	code := data.Normalize(device.Code)
	// A counter the server has seen at or past a number issued here is
	// reissued whole, so the new numbers keep their order.
	clash := map[string]bool{}
	for _, e := range entries {
		if c := e.Command.Certificate; c != nil {
			if n, ok := data.ParseDeviceNumber(c.No); ok && n.Device == code && n.Seq <= counters[n.Counter()] {
				clash[n.Counter()] = true
			}
		}
	}
	var apps []string
	for _, e := range entries {
		c := e.Command.Certificate
		if c == nil {
			continue
		}
		n, ok := data.ParseDeviceNumber(c.No)
		if !ok || n.Device != code || !clash[n.Counter()] {
			continue
		}
		counters[n.Counter()]++
		n.Seq = counters[n.Counter()]
		c.No = n.String()
		body, err := json.Marshal(e.Command)
		if err != nil {
			return nil, err
		}
		if _, err := exec(ctx, tx, `UPDATE outbox SET command = ? WHERE seq = ?`, string(body), e.Seq); err != nil {
			return nil, err
		}
		apps = append(apps, e.Command.ApplicationID)
	}
	return apps, nil
}

// renumberTx numbers entries (in seq order) after acked, keeping what each
// was decided on top of.
func renumberTx(ctx context.Context, tx *txn, entries []OutboxEntry, acked int64) error {
	// Off to negative seqs first: the new ones may be held by entries
	// still to move.
	renumbered := map[int64]int64{}
	for i, e := range entries {
		renumbered[e.Seq] = acked + int64(i) + 1
		if _, err := exec(ctx, tx, `UPDATE outbox SET seq = ? WHERE seq = ?`, -e.Seq, e.Seq); err != nil {
			return err
		}
	}
	for _, e := range entries {
		after := e.After
		if n, ok := renumbered[after]; ok {
			after = n
		}
		if _, err := exec(ctx, tx, `UPDATE outbox SET seq = ?, after_seq = ? WHERE seq = ?`, renumbered[e.Seq], after, -e.Seq); err != nil {
			return err
		}
	}
	return nil
}

// EndResync ends a pull from the start after a server restore, once its
// last page is applied: applications the server no longer has are dropped,
// unless a command of this desk on one still waits or was refused (the
// clerk sees why): those go once it no longer does (dropOrphans). It says
// how many went now.
func (s *Store) EndResync(ctx context.Context, now time.Time) (int, error) {
	var dropped int64
	err := s.inWrite(ctx, func(tx *txn) (err error) {
		var resync bool
		if err := queryRow(ctx, tx, `SELECT coalesce((SELECT resync FROM identity), 0)`).Scan(&resync); err != nil || !resync {
			return err
		}
		if _, err := exec(ctx, tx, `INSERT OR IGNORE INTO resync_orphans (application_id)
			SELECT id FROM applications WHERE id NOT IN (SELECT application_id FROM resync_seen)`); err != nil {
			return err
		}
		if dropped, err = dropOrphans(ctx, tx); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM resync_seen`, `UPDATE identity SET resync = 0`} {
			if _, err := exec(ctx, tx, q); err != nil {
				return err
			}
		}
		if dropped == 0 {
			return nil
		}
		return addNotice(ctx, tx, now, fmt.Sprintf("重新同步完成：恢复后的服务器上已没有的 %d 件申请已从本机移除。", dropped))
	})
	return int(dropped), err
}

// dropOrphans drops the applications a pull from the start did not bring
// once no command of this desk on one waits or waits for its clerk, and
// says how many went.
func dropOrphans(ctx context.Context, tx *txn) (int64, error) {
	res, err := exec(ctx, tx, `DELETE FROM applications WHERE id IN (SELECT application_id FROM resync_orphans)
		AND id NOT IN (SELECT application_id FROM outbox WHERE state IN ('pending', 'rejected', 'conflict') OR resend)`)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	for _, q := range []string{`DELETE FROM resync_orphans WHERE application_id NOT IN (SELECT id FROM applications)`,
		`DELETE FROM server_snapshots WHERE application_id NOT IN (SELECT id FROM applications)`} {
		if _, err := exec(ctx, tx, q); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// Notice is something the desk did by itself that its clerk should know.
type Notice struct {
	At   time.Time
	Text string
}

func addNotice(ctx context.Context, tx *txn, now time.Time, text string) error {
	_, err := exec(ctx, tx, `INSERT INTO sync_notices (at, text) VALUES (?, ?)`, now.UnixNano(), text)
	return err
}

// Notices lists the latest limit notices, newest first.
func (s *Store) Notices(ctx context.Context, limit int) ([]Notice, error) {
	var out []Notice
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT at, text FROM sync_notices ORDER BY id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n Notice
			if err := rows.Scan(nullTime{&n.At}, &n.Text); err != nil {
				return err
			}
			out = append(out, n)
		}
		return rows.Err()
	})
	return out, err
}

// SaveClock keeps the clock offset last measured, for the next start.
func (s *Store) SaveClock(ctx context.Context, offset time.Duration) error {
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `UPDATE identity SET clock_offset = ?`, int64(offset))
		return err
	})
}

// Retention bounds, in days, of how long answered commands are kept.
const (
	MinRetentionDays = 7
	MaxRetentionDays = 366
)

// SetRetention sets how many days answered commands are kept after their
// answer: a server restored from a backup older than that loses them.
func (s *Store) SetRetention(ctx context.Context, days int) error {
	if days < MinRetentionDays || days > MaxRetentionDays {
		return data.Errorf(data.EINVALID, "保留期须在 %d 到 %d 天之间", MinRetentionDays, MaxRetentionDays)
	}
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `UPDATE identity SET retention_days = ?`, days)
		return err
	})
}

// PurgeSettled drops settled entries answered longer ago than the
// retention window, and says how many.
func (s *Store) PurgeSettled(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.inWrite(ctx, func(tx *txn) error {
		res, err := exec(ctx, tx, `DELETE FROM outbox WHERE settled
			AND coalesce(answered_at, at) < ? - (SELECT retention_days FROM identity) * 86400000000000`, now.UnixNano())
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return int(n), err
}

// AckedSeq is the highest seq the server has acknowledged to this desk.
func (s *Store) AckedSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.inRead(ctx, func(tx *txn) error {
		return queryRow(ctx, tx, `SELECT coalesce((SELECT acked_seq FROM identity), 0)`).Scan(&n)
	})
	return n, err
}

// RefuseProof refuses a pending command whose payment proof the server
// will not take, as the server would: shown to the clerk, and sent as a
// refusal (Replay) so its seq is answered and those after it go on.
func (s *Store) RefuseProof(ctx context.Context, seq int64, message string) error {
	return s.inWrite(ctx, func(tx *txn) error {
		var id string
		err := queryRow(ctx, tx, `UPDATE outbox SET state = 'rejected', code = ?, message = ?, resend = 1 WHERE seq = ? AND state = 'pending'
			RETURNING application_id`, data.EINVALID, message, seq).Scan(&id)
		if err != nil {
			return notFound(err, "待同步的操作", seq)
		}
		return s.relay(ctx, tx, id)
	})
}
