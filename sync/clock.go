package sync

import (
	stdsync "sync"
	"time"
)

// ClockWarning is how far a desk's own clock may be off the server's before
// the desk shows a banner asking to set it right.
const ClockWarning = 5 * time.Minute

// Clock is the desk's time as the server's clock decides it (DESIGN.md
// section 4): the time the server told at the last answer, plus the time
// elapsed since on the PC's monotonic clock; before any answer in this run,
// the PC's clock corrected by the offset last measured.
type Clock struct {
	// Local is the PC's own clock; tests set it to a slow or fast one.
	Local func() time.Time

	mu     stdsync.Mutex
	offset time.Duration // server minus PC, as last measured or stored
	base   time.Time     // the server's time at the last measurement
	mono   time.Time     // Local() then, with its monotonic reading
}

// NewClock is a clock over the PC's clock that starts from a stored offset.
func NewClock(offset time.Duration) *Clock { return &Clock{Local: time.Now, offset: offset} }

// Now is the corrected time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	local := c.Local()
	byWall := local.Add(c.offset)
	if c.base.IsZero() {
		return byWall
	}
	// Sub uses the monotonic readings: a clock set back meanwhile does not
	// move the corrected time. But Linux stops the monotonic clock while
	// the PC sleeps: when the PC's own clock has run further since, it is
	// the one to go by, with the offset.
	byMono := c.base.Add(local.Sub(c.mono))
	if byWall.Sub(byMono) > time.Minute {
		return byWall
	}
	return byMono
}

// Offset is how far the PC's clock is behind the server's (negative: ahead).
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// observe takes the server's time from an answer to a request sent at
// sent and answered at received (both Local readings), taking the server's
// reading to be from the middle of the round trip.
func (c *Clock) observe(server, sent, received time.Time) {
	mid := sent.Add(received.Sub(sent) / 2)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset, c.base, c.mono = server.Sub(mid), server.Add(received.Sub(mid)), received
}
