package testdesk

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestSeedDir writes a fixture desk: 500 applications into a temporary
// folder, or, for benchmarks and screenshots of the real binary,
// TITLEDESK_SEED_DIR=/tmp/desk TITLEDESK_SEED_N=100000.
func TestSeedDir(t *testing.T) {
	dir := os.Getenv("TITLEDESK_SEED_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	n, err := strconv.Atoi(os.Getenv("TITLEDESK_SEED_N"))
	if err != nil {
		n = 500
	}
	start := time.Now()
	if _, err := Seed(context.Background(), dir, n, time.Now()); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d applications in %s", n, time.Since(start))
}
