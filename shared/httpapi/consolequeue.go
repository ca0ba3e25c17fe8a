package httpapi

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// A queue page lists a tier's tickets, or those assigned to the signed-in
// key ("mine"). The store lists by tier and status only (store.Query), so
// the page asks it for that, newest first, and filters the rest (priority,
// integration, title text, assignee) and orders by deadline in memory,
// over the newest store.MaxLimit of each tier and status it reads; the
// page says when there were more.

// queueRefresh is how often a queue page reloads itself, in seconds: a
// meta refresh, which needs no script and so no change to the CSP.
const queueRefresh = 30

// queueFilter is what the query string of a queue page asks for.
type queueFilter struct {
	Status      ticket.Status // empty: open and acknowledged
	Priority    ticket.Priority
	Integration string
	Text        string // in the title, case-insensitively
	Order       string // "newest" or "urgent": earliest deadline first
}

// queueView is the data of a queue page.
type queueView struct {
	consolePage
	Filter       queueFilter
	Statuses     []option
	Priorities   []option
	Orders       []option
	Integrations []string // for the integration field's suggestions
	Rows         []queueRow
	More         bool // the store had more than the page read
	Limit        int  // what the page reads of each tier and status
	Matched      int  // tickets that pass the filters; the page shows queueRows of them at most
}

// queueRows is how many tickets a queue page shows, in its order: enough
// for a shift's queue, and a page under 100 KB on a phone.
const queueRows = 100

// queueRow is one ticket of a queue page.
type queueRow struct {
	T   *ticket.Ticket
	URL string
	Due *due // nil once resolved
}

// queue answers GET /console/queue/{L1|L2|L3|mine}.
func (c *console) queue(w http.ResponseWriter, r *http.Request, sess session) {
	name := r.PathValue("queue")
	tier, ok := queueTier(name)
	if !ok {
		c.notFound(w, r)
		return
	}
	v := queueView{consolePage: c.newPage(r, sess, queueTitle(name)), Integrations: c.integrationNames()}
	v.Queue, v.Refresh, v.Limit = name, queueRefresh, store.MaxLimit
	f, err := readQueueFilter(r)
	v.Filter = f
	v.Statuses, v.Priorities, v.Orders = statusOptions(f.Status), priorityOptions(f.Priority), orderOptions(f.Order)
	status := http.StatusOK
	if err != nil {
		status, v.Problem = http.StatusUnprocessableEntity, ticket.ErrorMessage(err)
	}
	assignee := ""
	if name == "mine" {
		assignee = sess.Name
	}
	tickets, more, err := c.readQueue(r.Context(), tier, f.Status)
	if err != nil {
		c.failPage(w, r, sess, err)
		return
	}
	v.More = more
	now := c.now()
	shown := orderQueue(filterQueue(tickets, f, assignee), f.Order)
	if v.Matched = len(shown); len(shown) > queueRows {
		shown = shown[:queueRows]
	}
	for _, t := range shown {
		v.Rows = append(v.Rows, queueRow{T: t, URL: v.Home + "/tickets/" + t.ID, Due: nextDue(t, now)})
	}
	c.render(w, status, queueTemplate, v)
}

// queueTier is the tier of queue name; 0 for "mine", which spans them.
func queueTier(name string) (ticket.Tier, bool) {
	switch name {
	case "L1", "L2", "L3":
		t, _ := ticket.ParseTier(name)
		return t, true
	case "mine":
		return 0, true
	}
	return 0, false
}

func queueTitle(name string) string {
	if name == "mine" {
		return "Assigned to me"
	}
	return name + " queue"
}

// readQueueFilter reads the query string. A value it cannot read is
// left out of the filter and returned as the error, to be shown.
func readQueueFilter(r *http.Request) (queueFilter, error) {
	q := r.URL.Query()
	f := queueFilter{Integration: strings.TrimSpace(q.Get("integration")), Text: strings.TrimSpace(q.Get("text")), Order: "newest"}
	var bad error
	if s := q.Get("status"); s != "" {
		st, err := ticket.ParseStatus(s)
		if err != nil {
			bad = err
		}
		f.Status = st
	}
	if s := q.Get("priority"); s != "" {
		p, err := ticket.ParsePriority(s)
		if err != nil {
			bad = err
		}
		f.Priority = p
	}
	switch s := q.Get("order"); s {
	case "", "newest":
	case "urgent":
		f.Order = s
	default:
		bad = ticket.Errorf(ticket.Invalid, "unknown order %q: want newest or urgent", s)
	}
	return f, bad
}

// readQueue lists tier's tickets (every tier's for 0) of status, or of
// open and acknowledged when status is empty, newest first; more reports
// that the store had more than one page of one of them.
func (c *console) readQueue(ctx context.Context, tier ticket.Tier, status ticket.Status) ([]*ticket.Ticket, bool, error) {
	statuses := []ticket.Status{status}
	if status == "" {
		statuses = []ticket.Status{ticket.StatusOpen, ticket.StatusAcknowledged}
	}
	var all []*ticket.Ticket
	more := false
	for _, st := range statuses {
		page, err := c.desk.List(ctx, store.Query{Tier: tier, Status: st, Limit: store.MaxLimit})
		if err != nil {
			return nil, false, err
		}
		all, more = append(all, page.Tickets...), more || page.Next != ""
	}
	slices.SortFunc(all, func(a, b *ticket.Ticket) int { return strings.Compare(b.ID, a.ID) })
	return all, more, nil
}

// filterQueue keeps the tickets f (and, unless empty, assignee) selects:
// what the store's query cannot.
func filterQueue(tickets []*ticket.Ticket, f queueFilter, assignee string) []*ticket.Ticket {
	text := strings.ToLower(f.Text)
	return slices.DeleteFunc(tickets, func(t *ticket.Ticket) bool {
		return (assignee != "" && t.Assignee != assignee) ||
			(f.Priority != 0 && t.Priority != f.Priority) ||
			(f.Integration != "" && t.Integration != f.Integration) ||
			(text != "" && !strings.Contains(strings.ToLower(t.Title), text))
	})
}

// orderQueue sorts newest first, or for "urgent" by the deadline the
// ticket waits for, earliest (most overdue) first, then by priority; a
// resolved ticket waits for none and comes last.
func orderQueue(tickets []*ticket.Ticket, order string) []*ticket.Ticket {
	if order != "urgent" {
		return tickets
	}
	slices.SortStableFunc(tickets, func(a, b *ticket.Ticket) int {
		da, db := a.NextDeadline(), b.NextDeadline()
		if da.IsZero() != db.IsZero() {
			if da.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(da.Compare(db), cmp.Compare(a.Priority, b.Priority))
	})
	return tickets
}

// nextDue is the deadline t waits for, or nil once resolved.
func nextDue(t *ticket.Ticket, now time.Time) *due {
	switch t.Status {
	case ticket.StatusOpen:
		d := newDue("acknowledge", t.AcknowledgeBy, now)
		return &d
	case ticket.StatusAcknowledged:
		d := newDue("resolve", t.ResolveBy, now)
		return &d
	}
	return nil
}

// integrationNames are the names tickets come in by: integrations and forms.
func (c *console) integrationNames() []string {
	var out []string
	for _, in := range c.config.Integrations {
		out = append(out, in.Name)
	}
	for _, f := range c.config.Forms {
		out = append(out, f.Name)
	}
	return out
}

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

func statusOptions(st ticket.Status) []option {
	out := []option{{"", "Open and acknowledged", st == ""}}
	for _, s := range []ticket.Status{ticket.StatusOpen, ticket.StatusAcknowledged, ticket.StatusResolved} {
		out = append(out, option{string(s), string(s), s == st})
	}
	return out
}

func priorityOptions(p ticket.Priority) []option {
	out := []option{{"", "Any", p == 0}}
	for q := ticket.P1; q <= ticket.P5; q++ {
		out = append(out, option{q.String(), q.String(), q == p})
	}
	return out
}

func orderOptions(order string) []option {
	return []option{{"newest", "Newest first", order != "urgent"}, {"urgent", "Most urgent: earliest deadline first", order == "urgent"}}
}
