package main

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
)

// TestCountsOfAPastDay: the statistics of a past day, taken from the
// history, equal the counts the server kept that day, day after day, as
// applications move through the steps at different paces.
func TestCountsOfAPastDay(t *testing.T) {
	b := newBureau(t)
	db := b.store(t)
	ctx := context.Background()
	cal, _ := db.Calendar(ctx)
	var apps []*data.Application
	for range 6 {
		apps = append(apps, submitted(t, db, "DLXH"))
	}
	start := time.Now().AddDate(0, 0, 1)
	type kept struct {
		at     time.Time
		counts map[string]map[data.Status]int
	}
	var days []kept
	steps := []struct {
		action data.Action
		actor  string
	}{{data.ActionLiaisonPass, "chen"}, {data.ActionBureauPass, "wang"}}
	for d := 0; d < 4; d++ {
		at := start.AddDate(0, 0, d)
		// Application i takes its next step on days d with d%(i%3+1) == 0.
		for i, a := range apps {
			if d%(i%3+1) != 0 {
				continue
			}
			cur, _ := db.Application(ctx, a.ID)
			k := 0
			if cur.Status == data.StatusBureauReview {
				k = 1
			} else if cur.Status != data.StatusLiaisonReview {
				continue
			}
			c := data.Command{ID: uuid.NewString(), ApplicationID: a.ID, Action: steps[k].action, Actor: clerkActor(t, db, steps[k].actor), ExpectedVersion: cur.Version}
			if _, err := db.Apply(ctx, c, data.Env{Now: at, Calendar: cal}); err != nil {
				t.Fatal(err)
			}
		}
		live, err := db.CountsByPoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		days = append(days, kept{at, live})
	}
	for _, k := range days {
		past, err := db.CountsAsOf(ctx, data.Midnight(k.at).AddDate(0, 0, 1).Add(-time.Nanosecond))
		if err != nil {
			t.Fatal(err)
		}
		for point := range k.counts {
			delete(k.counts[point], data.StatusDraft) // never submitted: no history
			if len(k.counts[point]) == 0 {
				delete(k.counts, point)
			}
		}
		if !maps.EqualFunc(past, k.counts, maps.Equal) {
			t.Errorf("%s: from the history %v, kept that day %v", k.at.Format(time.DateOnly), past, k.counts)
		}
	}
	if first, last := days[0].counts, days[len(days)-1].counts; maps.EqualFunc(first, last, maps.Equal) {
		t.Fatalf("nothing moved: %v", first)
	}
}
