package watch

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// item is what the test source delivers: a number, like an incident number.
type item struct {
	N      int
	Merged string // set for an item merged into another
}

type cursor struct {
	Last int `json:"last"`
}

// numbers is a server of numbered items in ascending order, paged, that can be told to
// ignore the cursor (as a server ignoring $filter would).
type numbers struct {
	mu           sync.Mutex
	items        []item
	pageSize     int
	ignoreFilter bool
	requests     int
}

func newNumbers(n int) *numbers {
	s := &numbers{pageSize: 50}
	s.add(n)
	return s
}

func (s *numbers) add(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.items = append(s.items, item{N: len(s.items) + 1})
	}
}

func (s *numbers) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}

type numbersPager struct {
	s    *numbers
	from int // index of the next item
	last int
	done bool
}

func (p *numbersPager) More() bool { return !p.done }

func (p *numbersPager) NextPage(ctx context.Context) ([]item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.s.requests++
	var page []item
	for p.from < len(p.s.items) && len(page) < p.s.pageSize {
		it := p.s.items[p.from]
		p.from++
		if p.s.ignoreFilter || it.N > p.last {
			page = append(page, it)
		}
	}
	p.done = p.from >= len(p.s.items)
	return page, nil
}

// source adapts numbers to Source.
type source struct{ s *numbers }

func (source) Start(time.Time) cursor { return cursor{} }
func (source) Check(c *cursor) error {
	if c.Last < 0 {
		return fmt.Errorf("negative cursor %d", c.Last)
	}
	return nil
}
func (src source) Poll(c *cursor) (Pager[item], func(*item) bool) {
	last := c.Last
	return &numbersPager{s: src.s, last: last}, func(it *item) bool { return it.N > last }
}
func (source) Delivered(c *cursor, it *item) bool { return it.N <= c.Last }
func (source) Advance(c *cursor, it *item) {
	if it.N > c.Last {
		c.Last = it.N
	}
}
func (source) Compact(*cursor)                    {}
func (source) Position(*cursor) time.Time         { return time.Time{} }
func (source) ID(it *item) string                 { return fmt.Sprintf("item %d", it.N) }
func (source) Attrs(it *item) []slog.Attr         { return []slog.Attr{slog.Int("n", it.N)} }
func (source) Redirected(it *item) (string, bool) { return it.Merged, it.Merged != "" }

// deliveries records who delivered what, and catches two owners delivering for one key at
// the same time.
type deliveries struct {
	mu      sync.Mutex
	count   map[string]map[int]int // key -> item -> deliveries
	by      map[string]map[int][]string
	active  map[string]string // key -> owner inside the handler now
	overlap []string
}

func newDeliveries() *deliveries {
	return &deliveries{count: map[string]map[int]int{}, by: map[string]map[int][]string{}, active: map[string]string{}}
}

// handler returns a handler for key run by owner; pause, when set, runs inside the handler.
func (d *deliveries) handler(key, owner string, pause func()) Handler[item] {
	return func(_ context.Context, it item) error {
		d.mu.Lock()
		if o, busy := d.active[key]; busy && o != owner {
			d.overlap = append(d.overlap, fmt.Sprintf("%s: %s and %s at once (item %d)", key, o, owner, it.N))
		}
		d.active[key] = owner
		d.mu.Unlock()
		if pause != nil {
			pause()
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.active[key] == owner {
			delete(d.active, key)
		}
		if d.count[key] == nil {
			d.count[key], d.by[key] = map[int]int{}, map[int][]string{}
		}
		d.count[key][it.N]++
		d.by[key][it.N] = append(d.by[key][it.N], owner)
		return nil
	}
}

// dups returns how many deliveries of key were repeats, and how many distinct items arrived.
func (d *deliveries) dups(key string) (dups, distinct int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range d.count[key] {
		dups += n - 1
		distinct++
	}
	return dups, distinct
}

func (d *deliveries) overlaps() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.overlap...)
}
