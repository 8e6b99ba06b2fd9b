package sqlite

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"titledesk/data"
)

// scanCounts counts applications per point and status the slow way.
func scanCounts(t *testing.T, s *Store) map[string]map[data.Status]int {
	t.Helper()
	rows, err := s.read.Query(`SELECT liaison_point_id, status, count(*) FROM applications GROUP BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]map[data.Status]int{}
	for rows.Next() {
		var (
			p  string
			st data.Status
			n  int
		)
		if err := rows.Scan(&p, &st, &n); err != nil {
			t.Fatal(err)
		}
		if out[p] == nil {
			out[p] = map[data.Status]int{}
		}
		out[p][st] = n
	}
	return out
}

// TestStatusCountsKept: whatever happens to applications (created, moved
// on by commands, replaced by pulled snapshots with another status or
// point, deleted), the kept counts equal a scan, and a queue's total is
// theirs.
func TestStatusCountsKept(t *testing.T) {
	s, _ := openTest(t)
	r := rand.New(rand.NewPCG(5, 6))
	var apps []*data.Application
	for i := range 300 {
		a := genApplication(r, 100+i) // numbers apart from newDraft's below
		a.LiaisonPointID = fmt.Sprintf("lp%d", r.IntN(4))
		apps = append(apps, a)
	}
	if err := s.SaveApplications(ctx, apps); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		want := scanCounts(t, s)
		got, err := s.CountsByPoint(ctx)
		if err != nil || !maps.EqualFunc(got, want, maps.Equal) {
			t.Fatalf("%s: kept %v, scanned %v (%v)", when, got, want, err)
		}
		for p := range want {
			one, _ := s.CountByStatus(ctx, p)
			_, total, _ := s.FindApplications(ctx, data.ApplicationFilter{LiaisonPointID: p, Statuses: []data.Status{data.StatusLiaisonReview, data.StatusPaid}})
			if !maps.Equal(one, want[p]) || total != want[p][data.StatusLiaisonReview]+want[p][data.StatusPaid] {
				t.Fatalf("%s, point %s: %v, queue total %d, scanned %v", when, p, one, total, want[p])
			}
		}
	}
	check("created")
	for round := range 5 {
		// Pulled snapshots: some change status, some move to another point,
		// some stay as they were.
		var changed []*data.Application
		for _, a := range apps {
			switch r.IntN(3) {
			case 0:
				a.Status = data.Statuses[r.IntN(len(data.Statuses))]
			case 1:
				a.LiaisonPointID = fmt.Sprintf("lp%d", r.IntN(4))
			}
			changed = append(changed, a)
		}
		if err := s.SaveApplications(ctx, changed); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("round %d saved", round))
		// Dropped from the desk (moved away, or gone after a restore).
		for range 10 {
			i := r.IntN(len(apps))
			if _, err := s.write.Exec(`DELETE FROM applications WHERE id = ?`, apps[i].ID); err != nil {
				t.Fatal(err)
			}
			apps = append(apps[:i], apps[i+1:]...)
		}
		check(fmt.Sprintf("round %d deleted", round))
	}
	// And through the state machine.
	a := newDraft(t, s)
	workflow(t, s, a.ID)
	check("after a whole workflow")
}

// TestQueueOfSeveralStatusesPagesInOrder: a queue of several statuses,
// merged from each status's part of the index, pages in submission order
// exactly as one sorted query would, and its total is the kept count.
func TestQueueOfSeveralStatusesPagesInOrder(t *testing.T) {
	s, _ := openTest(t)
	r := rand.New(rand.NewPCG(8, 9))
	var apps []*data.Application
	for i := range 2000 {
		a := genApplication(r, i)
		a.LiaisonPointID = []string{"lp1", "lp2"}[i%2]
		apps = append(apps, a)
	}
	if err := s.SaveApplications(ctx, apps); err != nil {
		t.Fatal(err)
	}
	statuses := []data.Status{data.StatusAwaitingPayment, data.StatusAwaitingPaper, data.StatusPaperDeficient}
	for _, point := range []string{"", "lp1"} {
		var want []string
		rows, err := s.read.Query(`SELECT no FROM applications WHERE status IN (?, ?, ?) AND (?4 = '' OR liaison_point_id = ?4) ORDER BY submitted_at, no`,
			string(statuses[0]), string(statuses[1]), string(statuses[2]), point)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var no string
			rows.Scan(&no)
			want = append(want, no)
		}
		rows.Close()
		for _, offset := range []int{0, 50, 100, len(want) - 10, len(want) + 5} {
			page, total, err := s.FindApplications(ctx, data.ApplicationFilter{Statuses: statuses, LiaisonPointID: point, Offset: offset, Limit: 50})
			if err != nil || total != len(want) {
				t.Fatalf("point %q offset %d: total %d, want %d (%v)", point, offset, total, len(want), err)
			}
			var got []string
			for _, a := range page {
				got = append(got, a.No)
			}
			end := min(offset+50, len(want))
			if exp := want[min(offset, len(want)):end]; fmt.Sprint(got) != fmt.Sprint(exp) && !(len(got) == 0 && len(exp) == 0) {
				t.Errorf("point %q offset %d: %v, want %v", point, offset, got, exp)
			}
		}
	}
}

// grams is what name_grams must hold for the stored names: every
// character and pair of characters of each, lower case.
func grams(t *testing.T, s *Store) (want, got []string) {
	t.Helper()
	rows, err := s.read.Query(`SELECT id, name FROM applications`)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		r := []rune(strings.ToLower(name))
		for i := range r {
			set[string(r[i])+"|"+id] = true
			if i+1 < len(r) {
				set[string(r[i:i+2])+"|"+id] = true
			}
		}
	}
	rows.Close()
	for g := range set {
		want = append(want, g)
	}
	slices.Sort(want)
	got, err = queryStringsDB(s, `SELECT gram || '|' || application_id FROM name_grams ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	return want, got
}

func queryStringsDB(s *Store, q string) (out []string, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		out, err = queryStrings(ctx, tx, q)
		return err
	})
	return out, err
}

// The name index follows every insert, rename, status change and delete,
// and a name search finds by it what a scan finds, for one character, a
// pair, a whole name and ASCII letters in either case.
func TestNameGramsKept(t *testing.T) {
	s, _ := openTest(t)
	apps := genApplications(5, 400)
	apps[7].Name = "Anna Smith"
	if err := s.SaveApplications(ctx, apps); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ { // renamed, and moved on to another status
		apps[i*3].Name = "欧阳" + apps[i*3].Name
		apps[i*2+1].Status = data.StatusLiaisonReview
	}
	if err := s.SaveApplications(ctx, apps[:120]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.Exec(`DELETE FROM applications WHERE id IN (?, ?, ?)`, apps[1].ID, apps[3].ID, apps[9].ID); err != nil {
		t.Fatal(err)
	}
	apps = slices.DeleteFunc(apps, func(a *data.Application) bool { return a.ID == apps[1].ID || a.ID == apps[3].ID || a.ID == apps[9].ID })
	want, got := grams(t, s)
	if !slices.Equal(got, want) {
		t.Fatalf("name_grams holds %d grams, want %d", len(got), len(want))
	}
	for _, q := range []string{"欧", "欧阳", "AN", apps[0].Name, string([]rune(apps[50].Name)[:2]), "anna", "SMITH", "a S", "不存在"} {
		for _, statuses := range [][]data.Status{nil, {data.StatusLiaisonReview}} {
			want := 0
			for _, a := range apps {
				if strings.Contains(strings.ToLower(a.Name), strings.ToLower(q)) && (statuses == nil || a.Status == statuses[0]) {
					want++
				}
			}
			_, total, err := s.FindApplications(ctx, data.ApplicationFilter{Search: q, Statuses: statuses})
			if err != nil {
				t.Fatal(err)
			}
			if total != want {
				t.Errorf("search %q %v: %d found, a scan finds %d", q, statuses, total, want)
			}
		}
	}
}
