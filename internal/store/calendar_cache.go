package store

import (
	"fmt"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/calendar"
)

// calendarTTL bounds how long a built calendar is reused. A schedule saved on this server
// clears the cache at once; one saved on another server behind the same database is seen
// here within this time.
const calendarTTL = time.Minute

// calendarCache keeps built calendars per working-time setup: building one means reading
// and decoding every yearly schedule, and a calendar caches its year tables, so reuse
// makes deadline arithmetic on the intake path cheap. It is safe for concurrent use.
type calendarCache struct {
	mu      sync.Mutex
	entries map[string]cachedCalendar
}

type cachedCalendar struct {
	cal   *calendar.Calendar
	built time.Time
}

func calendarKey(ws WorkSettings) string {
	return fmt.Sprintf("%s|%v|%s", ws.OfficeHours, ws.Weekend, ws.DayRule)
}

// get returns a fresh cached calendar for the setup, if any.
func (c *calendarCache) get(ws WorkSettings, now time.Time) (*calendar.Calendar, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[calendarKey(ws)]
	if !ok || now.Sub(e.built) > calendarTTL || now.Before(e.built) {
		return nil, false
	}
	return e.cal, true
}

func (c *calendarCache) put(ws WorkSettings, cal *calendar.Calendar, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedCalendar{}
	}
	c.entries[calendarKey(ws)] = cachedCalendar{cal: cal, built: now}
}

// clear drops every cached calendar (after a schedule changed).
func (c *calendarCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
}
