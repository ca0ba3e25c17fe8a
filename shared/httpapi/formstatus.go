package httpapi

import (
	"crypto/hmac"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// sigBytes is how much of the HMAC a status link carries: 128 bits, as
// unguessable as a random UUID and half of HMAC-SHA256, the least RFC 2104
// advises keeping.
const sigBytes = 16

// linkPurpose separates status-link signatures from anything else the
// key might ever sign.
const linkPurpose = "tierline form status v1"

// statusSig signs the status link of ticket id of form.
func (s *Server) statusSig(form, id string) string {
	sum := s.config.FormsSecret.Sum(linkPurpose + "\x00" + form + "\x00" + id)
	return base64.RawURLEncoding.EncodeToString(sum[:sigBytes])
}

// sigEncoding decodes status-link signatures strictly: base64url without
// padding, and the bits the last character carries beyond the 16 bytes
// must be zero, so that a link has exactly the one spelling tierline gave
// out (a loose decoder accepts 16 for each).
var sigEncoding = base64.RawURLEncoding.Strict()

// validSig reports, in constant time, whether sig signs ticket id of form.
func (s *Server) validSig(form, id, sig string) bool {
	got, err := sigEncoding.DecodeString(sig)
	if err != nil || len(got) != sigBytes {
		return false
	}
	want := s.config.FormsSecret.Sum(linkPurpose + "\x00" + form + "\x00" + id)
	return hmac.Equal(got, want[:sigBytes])
}

// baseURL is where links to this tierline start: the configured base URL,
// or else the scheme and host the request came to.
func (s *Server) baseURL(r *http.Request) string {
	if s.config.BaseURL != "" {
		return s.config.BaseURL
	}
	return schemeOf(r) + "://" + r.Host
}

// schemeOf is the scheme a request came in by.
func schemeOf(r *http.Request) string {
	if r.TLS != nil || r.URL.Scheme == "https" || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return "https"
	}
	return "http"
}

// formURL is the address of form f's page.
func (s *Server) formURL(r *http.Request, f policy.Form) string {
	return s.baseURL(r) + "/forms/" + f.Name
}

// statusURL is the status link of ticket id of form f.
func (s *Server) statusURL(r *http.Request, f policy.Form, id string) string {
	return s.formURL(r, f) + "/status/" + id + "/" + s.statusSig(f.Name, id)
}

// formStatus answers GET /forms/{form}/status/{id}/{sig}: the status page
// of a request. The link must be one tierline gave out: a wrong or missing
// signature, or a ticket of another form, is not found, exactly like a
// ticket that does not exist, so that the answer tells nothing.
func (s *Server) formStatus(w http.ResponseWriter, r *http.Request) {
	f, ok := s.config.Form(r.PathValue("form"))
	if !ok {
		s.notFound(w, policy.Form{}, "There is no such form. Check the address.")
		return
	}
	const broken = "This status link does not work. Check that you copied all of it."
	id, sig, _ := strings.Cut(r.PathValue("rest"), "/")
	if parsed, err := ticket.ParseID(id); err != nil || parsed != id || !s.validSig(f.Name, id, sig) {
		s.notFound(w, f, broken)
		return
	}
	t, err := s.desk.Get(r.Context(), id)
	if ticket.ErrorCode(err) == ticket.NotFound || (err == nil && t.Integration != f.Name) {
		s.notFound(w, f, broken)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, http.StatusOK, statusPage, f, statusView{page: page{CSS: template.CSS(formCSS), Form: f},
		Ticket: t, Status: statusWords[t.Status], Tier: tierWords[t.Tier], FormURL: s.formURL(r, f)})
}

// statusWords say what a status means to a requester.
var statusWords = map[ticket.Status]string{
	ticket.StatusOpen:         "Open: waiting for someone to take it",
	ticket.StatusAcknowledged: "In progress: someone is on it",
	ticket.StatusResolved:     "Resolved",
}

// tierWords name the tiers for requesters.
var tierWords = map[ticket.Tier]string{
	ticket.L1: "Helpdesk (L1)",
	ticket.L2: "Specialists (L2)",
	ticket.L3: "Experts (L3)",
}
