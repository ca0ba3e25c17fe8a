package desk_test

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// formConfig has two forms and routes that place their requests by
// category, by the impact's name as severity, and by the impact label.
const formConfig = `
forms_secret: "forms-secret-for-desk-tests-0123456789"
forms:
  - {name: it-help, title: IT help, categories: [password, hardware, software, network]}
  - name: facilities
    title: Facilities
    categories: [Badge access]
    impact: {minor: P5, blocking: {priority: P2, label: "I cannot get in"}}
routes:
  - {match: {category: password}, tier: L1, priority: P4}
  - {match: {integration: it-help, category: network, severity: high}, tier: L2}
  - {match: {labels: {impact: blocking}}, tier: L2, priority: P1}
policies:
  default:
    L1: {acknowledge: 2m, resolve: 1h}
    L2: {acknowledge: 5m, resolve: 2h}
    L3: {acknowledge: 10m, resolve: 4h}
`

// key is an idempotency key as a rendered form carries it.
const key = "k7Q2m9Xv4LpR8sT1wZ3yB6nC"

// request is a valid submission to it-help, with key.
func request() desk.Submission {
	return desk.Submission{Name: "Jana Kovac", Email: "jana.k@acme.test", Category: "hardware", Impact: "medium",
		Subject: "Laptop dock dead", Details: "No power since this morning.\nTried another socket.", IdempotencyKey: key}
}

// MustFile files sub through form and returns its result.
func MustFile(tb testing.TB, e *Env, form string, sub desk.Submission) desk.Result {
	tb.Helper()
	r, err := e.Desk.File(ctx, form, sub)
	if err != nil {
		tb.Fatalf("File: %v", err)
	}
	return r
}

// MustCount returns how many tickets are stored.
func MustCount(tb testing.TB, e *Env) int {
	tb.Helper()
	page, err := e.Desk.List(ctx, store.Query{Limit: store.MaxLimit})
	if err != nil {
		tb.Fatalf("List: %v", err)
	}
	return len(page.Tickets)
}

func TestFile_opensTicket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		form     string
		edit     func(s *desk.Submission)
		tier     ticket.Tier
		priority ticket.Priority
		labels   map[string]string
	}{
		// Ensure the impact sets the priority when no route does.
		{name: "impact_sets_priority", form: "it-help", edit: func(s *desk.Submission) {},
			tier: ticket.L1, priority: ticket.P3, labels: map[string]string{"impact": "medium"}},
		// Ensure a request without an impact gets the usual default, P3.
		{name: "no_impact", form: "it-help", edit: func(s *desk.Submission) { s.Impact = "" },
			tier: ticket.L1, priority: ticket.P3},
		// Ensure the route {category: password} places a password request at L1 as P4, over its impact.
		{name: "category_route", form: "it-help", edit: func(s *desk.Submission) { s.Category, s.Impact = "password", "high" },
			tier: ticket.L1, priority: ticket.P4, labels: map[string]string{"impact": "high"}},
		// Ensure a route may match the form by name and the impact as severity.
		{name: "severity_route", form: "it-help", edit: func(s *desk.Submission) { s.Category, s.Impact = "Network", "HIGH" },
			tier: ticket.L2, priority: ticket.P2, labels: map[string]string{"impact": "high"}},
		// Ensure a form's own impacts apply, and a route may match the impact label.
		{name: "own_impacts_label_route", form: "facilities", edit: func(s *desk.Submission) { s.Category, s.Impact = "badge access", "blocking" },
			tier: ticket.L2, priority: ticket.P1, labels: map[string]string{"impact": "blocking"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustServiceConfig(t, formConfig)
			sub := request()
			tt.edit(&sub)
			r := MustFile(t, e, tt.form, sub)
			if r.Outcome != desk.Created {
				t.Fatalf("Outcome=%v, want %v", r.Outcome, desk.Created)
			}
			tk := MustGet(t, e, r.TicketID)
			if tk.Tier != tt.tier || tk.Priority != tt.priority {
				t.Errorf("Tier=%v Priority=%v, want %v %v", tk.Tier, tk.Priority, tt.tier, tt.priority)
			}
			if !reflect.DeepEqual(tk.Labels, tt.labels) {
				t.Errorf("Labels=%v, want %v", tk.Labels, tt.labels)
			}
			f, _ := e.Desk.Config.Form(tt.form)
			category, _ := f.Category(sub.Category)
			want := ticket.Ticket{Integration: tt.form, Source: "form:" + tt.form, DedupKey: "form:" + key,
				Title: "Laptop dock dead", Description: "No power since this morning.\nTried another socket.",
				Requester: ticket.Person{Name: "Jana Kovac", Email: "jana.k@acme.test"}, Category: category,
				Status: ticket.StatusOpen, Occurrences: 1}
			got := ticket.Ticket{Integration: tk.Integration, Source: tk.Source, DedupKey: tk.DedupKey, Title: tk.Title,
				Description: tk.Description, Requester: tk.Requester, Category: tk.Category, Status: tk.Status, Occurrences: tk.Occurrences}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ticket\n  %+v\nwant\n  %+v", got, want)
			}
			if len(tk.Timeline) != 1 || tk.Timeline[0].Kind != ticket.EventCreated || tk.Timeline[0].Actor != tt.form {
				t.Errorf("Timeline=%+v, want one created event by %s", tk.Timeline, tt.form)
			}
		})
	}
}

// Ensure text is tidied as a requester would expect: blanks around fields
// and runs of blanks in one-line fields go, the lines of the details stay
// (with LF for the CRLF browsers send).
func TestFile_tidiesText(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, formConfig)
	sub := desk.Submission{Name: "  Jana \t Kovac ", Email: " jana.k@acme.test ", Category: " HARDWARE ",
		Subject: "Laptop\r\n dock   dead ", Details: "\r\n line one\r\n\r\nline two  \r\n"}
	tk := MustGet(t, e, MustFile(t, e, "it-help", sub).TicketID)
	if tk.Requester.Name != "Jana Kovac" || tk.Requester.Email != "jana.k@acme.test" || tk.Category != "hardware" ||
		tk.Title != "Laptop dock dead" || tk.Description != "line one\n\nline two" {
		t.Errorf("Requester=%+v Category=%q Title=%q Description=%q", tk.Requester, tk.Category, tk.Title, tk.Description)
	}
}

// Ensure every bad field is named with what to change, all at once, in
// the form's order, and that nothing is stored.
func TestFile_fieldErrors(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name string
		edit func(s *desk.Submission)
		want []string // field: the start of its message
	}{
		{name: "empty", edit: func(s *desk.Submission) { *s = desk.Submission{} }, want: []string{
			"name: Enter your name.", "email: Enter your e-mail address", "category: Choose a category.", "subject: Say in a few words"}},
		{name: "blank", edit: func(s *desk.Submission) { s.Name, s.Subject = " \t", "\n " }, want: []string{
			"name: Enter your name.", "subject: Say in a few words"}},
		{name: "name_too_long", edit: func(s *desk.Submission) { s.Name = long(201) }, want: []string{
			"name: Shorten your name to 200 characters."}},
		{name: "email_with_name", edit: func(s *desk.Submission) { s.Email = "Jana <jana.k@acme.test>" }, want: []string{
			"email: Enter an e-mail address like name@example.com"}},
		{name: "email_without_at", edit: func(s *desk.Submission) { s.Email = "jana.k" }, want: []string{
			"email: Enter an e-mail address like name@example.com"}},
		{name: "email_two", edit: func(s *desk.Submission) { s.Email = "a@acme.test, b@acme.test" }, want: []string{
			"email: Enter an e-mail address like name@example.com"}},
		{name: "email_too_long", edit: func(s *desk.Submission) { s.Email = strings.Repeat("a", 250) + "@b.cd" }, want: []string{
			"email: Enter an e-mail address of at most 254 characters."}},
		{name: "category_unknown", edit: func(s *desk.Submission) { s.Category = "printer" }, want: []string{
			"category: Choose one of: password, hardware, software, network."}},
		{name: "impact_unknown", edit: func(s *desk.Submission) { s.Impact = "blocking" }, want: []string{
			"impact: Choose one of: low, medium, high, or leave it empty."}},
		{name: "subject_too_long", edit: func(s *desk.Submission) { s.Subject = long(201) }, want: []string{
			"subject: Shorten the subject to 200 characters"}},
		{name: "details_too_long", edit: func(s *desk.Submission) { s.Details = long(10001) }, want: []string{
			"details: Shorten the details to 10000 characters; they are 10001."}},
		{name: "key_too_short", edit: func(s *desk.Submission) { s.IdempotencyKey = "abc" }, want: []string{
			"idempotency_key: The form's key must be 16 to 128"}},
		{name: "key_bad_characters", edit: func(s *desk.Submission) { s.IdempotencyKey = "0123456789abcdef<script>" }, want: []string{
			"idempotency_key: The form's key must be 16 to 128"}},
		{name: "several", edit: func(s *desk.Submission) { s.Email, s.Impact, s.Subject = "x", "huge", "" }, want: []string{
			"email: Enter an e-mail address like", "impact: Choose one of", "subject: Say in a few words"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustServiceConfig(t, formConfig)
			sub := request()
			tt.edit(&sub)
			_, err := e.Desk.File(ctx, "it-help", sub)
			if code := ticket.ErrorCode(err); code != ticket.Invalid {
				t.Fatalf("ErrorCode=%v (%v), want %v", code, err, ticket.Invalid)
			}
			var fe desk.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %v holds no FieldErrors", err)
			}
			if len(fe) != len(tt.want) {
				t.Fatalf("FieldErrors=%q, want %q", fe, tt.want)
			}
			for i, w := range tt.want {
				if got := fe[i].Field + ": " + fe[i].Message; !strings.HasPrefix(got, w) {
					t.Errorf("FieldErrors[%d]=%q, want it to start %q", i, got, w)
				}
			}
			if msg := ticket.ErrorMessage(err); msg != fe.Error() {
				t.Errorf("ErrorMessage=%q, want the fields' messages %q", msg, fe.Error())
			}
			if n := MustCount(t, e); n != 0 {
				t.Errorf("%d tickets stored, want 0", n)
			}
		})
	}
}

// Ensure a form that is not configured is not found, and nothing is stored.
func TestFile_unknownForm(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, formConfig)
	_, err := e.Desk.File(ctx, "hr", request())
	if ticket.ErrorCode(err) != ticket.NotFound || !strings.Contains(ticket.ErrorMessage(err), `"hr"`) {
		t.Errorf("err=%v, want not found naming the form", err)
	}
	if n := MustCount(t, e); n != 0 {
		t.Errorf("%d tickets stored, want 0", n)
	}
}

// Ensure the idempotency key makes a second send of a form file nothing.
func TestFile_idempotency(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, formConfig)
	first := MustFile(t, e, "it-help", request())
	if first.Outcome != desk.Created {
		t.Fatalf("first: Outcome=%v, want created", first.Outcome)
	}

	// Ensure the same key with the same answers is the same ticket, counted once.
	again := MustFile(t, e, "it-help", request())
	if again.TicketID != first.TicketID || again.Outcome != desk.Duplicate {
		t.Errorf("again: %+v, want duplicate of %s", again, first.TicketID)
	}
	tk := MustGet(t, e, first.TicketID)
	if tk.Occurrences != 1 || tk.Version != 1 || len(tk.Timeline) != 1 {
		t.Errorf("Occurrences=%d Version=%d timeline %d, want 1 1 1: a double submit changes nothing", tk.Occurrences, tk.Version, len(tk.Timeline))
	}

	// Ensure the same key with other answers is refused on the key, storing nothing.
	changed := request()
	changed.Details = "Also the screen flickers."
	_, err := e.Desk.File(ctx, "it-help", changed)
	var fe desk.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 1 || fe[0].Field != desk.FieldIdempotencyKey || ticket.ErrorCode(err) != ticket.Invalid {
		t.Errorf("changed answers: err=%v, want an invalid idempotency_key", err)
	}

	// Ensure a resolved ticket is still the answer to its key.
	if _, err := e.Desk.Resolve(ctx, first.TicketID, desk.By("ann"), "new dock"); err != nil {
		t.Fatal(err)
	}
	if r := MustFile(t, e, "it-help", request()); r.TicketID != first.TicketID || r.Outcome != desk.Duplicate {
		t.Errorf("after resolve: %+v, want duplicate of %s", r, first.TicketID)
	}
	if tk := MustGet(t, e, first.TicketID); tk.Status != ticket.StatusResolved || tk.Occurrences != 1 {
		t.Errorf("after resolve: Status=%v Occurrences=%d, want resolved 1", tk.Status, tk.Occurrences)
	}

	// Ensure another key, or the same key through another form, files anew.
	other := request()
	other.IdempotencyKey = "another-key-0123456789"
	if r := MustFile(t, e, "it-help", other); r.Outcome != desk.Created || r.TicketID == first.TicketID {
		t.Errorf("another key: %+v, want a new ticket", r)
	}
	fac := request()
	fac.Category, fac.Impact = "Badge access", ""
	if r := MustFile(t, e, "facilities", fac); r.Outcome != desk.Created {
		t.Errorf("same key, other form: %+v, want created", r)
	}

	// Ensure submissions without a key file a ticket each: nothing to tell a double submit by.
	bare := request()
	bare.IdempotencyKey = ""
	a, b := MustFile(t, e, "it-help", bare), MustFile(t, e, "it-help", bare)
	if a.Outcome != desk.Created || b.Outcome != desk.Created || a.TicketID == b.TicketID {
		t.Errorf("without a key: %+v and %+v, want two created tickets", a, b)
	}
	if tk := MustGet(t, e, a.TicketID); !strings.HasPrefix(tk.DedupKey, "form-auto:") {
		t.Errorf("DedupKey=%q, want form-auto:…", tk.DedupKey)
	}
	if n := MustCount(t, e); n != 5 {
		t.Errorf("%d tickets, want 5", n)
	}
}

// Ensure sends of one key that race each other file one ticket: one is
// created, the others are its duplicates.
func TestFile_concurrentDuplicates(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, formConfig)
	const n = 8
	results := make([]desk.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i], errs[i] = e.Desk.File(ctx, "it-help", request()) })
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("File %d: %v", i, errs[i])
		}
		if results[i].TicketID != results[0].TicketID {
			t.Errorf("File %d: ticket %s, want %s", i, results[i].TicketID, results[0].TicketID)
		}
		if results[i].Outcome == desk.Created {
			created++
		}
	}
	if created != 1 || MustCount(t, e) != 1 {
		t.Errorf("%d created, %d stored, want 1 and 1", created, MustCount(t, e))
	}
}
