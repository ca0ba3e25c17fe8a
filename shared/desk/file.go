package desk

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// Submission is a request as a person filed it through a form: what they
// typed and chose, not yet checked.
type Submission struct {
	Name           string
	Email          string
	Category       string
	Impact         string // optional: one of the form's impact names
	Subject        string
	Details        string // optional
	IdempotencyKey string // optional: the key of the rendered form, so that sending it twice files once
}

// The fields of a submission, by the names forms post them under. Field
// errors name them, so a page can show each error beside its field.
const (
	FieldName           = "name"
	FieldEmail          = "email"
	FieldCategory       = "category"
	FieldImpact         = "impact"
	FieldSubject        = "subject"
	FieldDetails        = "details"
	FieldIdempotencyKey = "idempotency_key"
)

// Limits on a submission, said to a person in characters. They are below
// ticket's own limits in bytes (a character is at most 4 bytes:
// ticket.MaxRequester, MaxTitle, MaxDescription), so nothing a requester
// typed is cut short on the ticket.
const (
	MaxRequesterName = 200             // characters
	MaxEmail         = ticket.MaxEmail // bytes, as RFC 5321 allows
	MaxSubject       = 200             // characters
	MaxDetails       = 10000           // characters
)

// FieldError is what is wrong with one field of a submission, said so
// that the person who filled it in knows what to change.
type FieldError struct {
	Field   string
	Message string
}

// FieldErrors are the problems of a submission, in the order of the form's
// fields. File returns them inside an Invalid *ticket.Error; errors.As
// finds them.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}

// idempotencyKey is what a key may be: a UUID, hex or base64url.
var idempotencyKey = regexp.MustCompile(`^[A-Za-z0-9_-]{16,128}$`)

// File files a request through the form called form, in one atomic write.
// Each field is checked against the form, and every problem is returned
// at once as FieldErrors. The ticket's integration is the form's name, its
// source "form:<name>"; routes place it like any signal, by category,
// severity (the impact's name) or label "impact".
//
// The idempotency key is the dedup key: a second submission with the key
// of the first, and the same answers, files nothing and counts no
// occurrence; it is answered Duplicate with the first one's ticket, open or
// resolved. The same key with other answers (the form sent, changed and
// sent again) is refused on the key's field, so that nothing typed is
// silently dropped. A submission without a key (a page of one's own may
// send none) always files a new ticket: deduplicating by its contents
// would give anyone who can guess a requester's words their status link.
func (s *Service) File(ctx context.Context, form string, sub Submission) (Result, error) {
	f, ok := s.Config.Form(form)
	if !ok {
		return Result{}, ticket.Errorf(ticket.NotFound, "no form named %q", form)
	}
	sig, errs := signal(f, sub)
	if len(errs) > 0 {
		return Result{}, invalid(errs)
	}
	if err := sig.Normalize(); err != nil {
		return Result{}, err
	}
	place := s.Config.Route(f.Name, sig)
	var r Result
	stored, err := s.Store.Upsert(ctx, f.Name, sig.DedupKey, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		if latest != nil {
			if !sameRequest(latest, sig) {
				return nil, invalid(FieldErrors{{FieldIdempotencyKey,
					"This form was sent before with other answers. Check your answers and send it again to file a new request."}})
			}
			r = Result{TicketID: latest.ID, Outcome: Duplicate}
			return nil, nil
		}
		now := s.now()
		id, err := s.newID(now, nil)
		if err != nil {
			return nil, err
		}
		t, err := ticket.New(id, f.Name, sig, place, nil, now)
		if err != nil {
			return nil, err
		}
		r = Result{TicketID: t.ID, Outcome: Created}
		return t, nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("file %s request: %w", f.Name, err)
	}
	if r.Outcome == Created {
		s.recur(ctx, stored)
	}
	return r, nil
}

func invalid(errs FieldErrors) error {
	return &ticket.Error{Code: ticket.Invalid, Message: errs.Error(), Err: errs}
}

// signal checks a submission against its form and turns it into the
// signal of a new ticket.
func signal(f policy.Form, sub Submission) (ticket.Signal, FieldErrors) {
	var errs FieldErrors
	bad := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	name := oneLine(sub.Name)
	switch {
	case name == "":
		bad(FieldName, "Enter your name.")
	case utf8.RuneCountInString(name) > MaxRequesterName:
		bad(FieldName, "Shorten your name to %d characters.", MaxRequesterName)
	}
	email := strings.TrimSpace(sub.Email)
	if msg := emailProblem(email); msg != "" {
		bad(FieldEmail, "%s", msg)
	}
	category, ok := f.Category(sub.Category)
	switch {
	case strings.TrimSpace(sub.Category) == "":
		bad(FieldCategory, "Choose a category.")
	case !ok:
		bad(FieldCategory, "Choose one of: %s.", strings.Join(f.Categories, ", "))
	}
	var impact policy.Impact
	if strings.TrimSpace(sub.Impact) != "" {
		if impact, ok = f.Impact(sub.Impact); !ok {
			names := make([]string, len(f.Impacts))
			for i, im := range f.Impacts {
				names[i] = im.Name
			}
			bad(FieldImpact, "Choose one of: %s, or leave it empty.", strings.Join(names, ", "))
		}
	}
	subject := oneLine(sub.Subject)
	switch {
	case subject == "":
		bad(FieldSubject, "Say in a few words what you need.")
	case utf8.RuneCountInString(subject) > MaxSubject:
		bad(FieldSubject, "Shorten the subject to %d characters, and put the rest in the details.", MaxSubject)
	}
	details := strings.TrimSpace(strings.ReplaceAll(sub.Details, "\r\n", "\n")) // browsers send a textarea's lines with CRLF
	if n := utf8.RuneCountInString(details); n > MaxDetails {
		bad(FieldDetails, "Shorten the details to %d characters; they are %d.", MaxDetails, n)
	}
	key := strings.TrimSpace(sub.IdempotencyKey)
	if key != "" && !idempotencyKey.MatchString(key) {
		bad(FieldIdempotencyKey, "The form's key must be 16 to 128 letters, digits, - or _. Reload the form and send it again.")
	}
	dedup := "form:" + key
	if key == "" {
		dedup = "form-auto:" + rand.Text() // 128 random bits: a ticket of its own
	}
	sig := ticket.Signal{Action: ticket.Trigger, DedupKey: dedup, Title: subject, Description: details,
		Severity: impact.Name, Priority: impact.Priority, Source: "form:" + f.Name, Category: category,
		Requester: ticket.Person{Name: name, Email: email}}
	if impact.Name != "" {
		sig.Labels = map[string]string{"impact": impact.Name}
	}
	return sig, errs
}

// emailProblem says what is wrong with an e-mail address, or "".
func emailProblem(s string) string {
	if s == "" {
		return "Enter your e-mail address, so that we can reach you."
	}
	if len(s) > MaxEmail {
		return fmt.Sprintf("Enter an e-mail address of at most %d characters.", MaxEmail)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") {
		return "Enter an e-mail address like name@example.com, without your name around it."
	}
	return ""
}

// sameRequest reports whether sig asks what t was filed for: the answers
// a requester gives, compared as they are stored.
func sameRequest(t *ticket.Ticket, sig ticket.Signal) bool {
	return t.Title == sig.Title && t.Description == sig.Description && t.Category == sig.Category &&
		t.Requester == sig.Requester && t.Labels["impact"] == sig.Labels["impact"]
}

// oneLine trims s and joins its lines and runs of blanks with one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
