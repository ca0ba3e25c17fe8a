package httpapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// The pages people see: the form, the status of a request, and "not
// found". They are html/template, so everything shown is escaped: subjects
// and names are untrusted text and never become template.HTML. The pages
// need no script and load nothing from elsewhere; their CSS is inline and
// allowed by its hash alone.
var (
	//go:embed forms/*.html forms/style.css
	formFiles embed.FS

	formCSS      = mustRead("forms/style.css")
	formTemplate = pageTemplate("forms/form.html")
	statusPage   = pageTemplate("forms/status.html")
	notFoundPage = pageTemplate("forms/notfound.html")

	// styleHash allows the inline CSS, and nothing else, in the pages' CSP.
	styleHash = "'sha256-" + base64.StdEncoding.EncodeToString(sha256Sum(formCSS)) + "'"
)

func mustRead(name string) string {
	b, err := formFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func sha256Sum(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

func pageTemplate(name string) *template.Template {
	return template.Must(template.New("").ParseFS(formFiles, "forms/layout.html", name))
}

// page is what every page template gets: the CSS, and the page's own data.
type page struct {
	CSS  template.CSS // our own stylesheet, never user data
	Form policy.Form
}

// formView is the data of the form page.
type formView struct {
	page
	Values                                    desk.Submission // as the requester sent them, when the page is shown again
	Key                                       string          // the idempotency key of this rendering
	Errors                                    []fieldProblem
	MaxName, MaxEmail, MaxSubject, MaxDetails int
}

// fieldProblem is an error of the form page, with the id of its input
// when the page has one.
type fieldProblem struct {
	desk.FieldError
	Anchor string
}

// Err returns the message of the error of field, or "".
func (v formView) Err(field string) string {
	for _, e := range v.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// statusView is the data of the status page.
type statusView struct {
	page
	Ticket  *ticket.Ticket
	Status  string // in words
	Tier    string // in words
	FormURL string
}

// notFoundView is the data of the not-found page.
type notFoundView struct {
	page
	Message string
}

// render writes a page with the headers every page has: no caching (a
// form holds a one-time key, a status page a private link), no sniffing,
// no Referer to other sites (a status link is a secret), and a CSP that
// allows the inline CSS and posts to tierline itself, and lets the form's
// origins frame the pages.
func (s *Server) render(w http.ResponseWriter, status int, t *template.Template, f policy.Form, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("form page", "form", f.Name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	formAction := "'self'"
	if s.config.BaseURL != "" {
		formAction += " " + originOf(s.config.BaseURL)
	}
	frames := append([]string{"'self'"}, f.Origins...)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src "+styleHash+"; form-action "+formAction+
		"; frame-ancestors "+strings.Join(frames, " ")+"; base-uri 'none'")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// notFound answers 404 with the not-found page: for people following a
// link, not for scripts.
func (s *Server) notFound(w http.ResponseWriter, f policy.Form, message string) {
	s.render(w, http.StatusNotFound, notFoundPage, f, notFoundView{page: page{CSS: template.CSS(formCSS), Form: f}, Message: message})
}
