package httpapi

import (
	"embed"
	"encoding/hex"
	"html/template"
	"net/http"

	"github.com/tierline/tierline/shared/ticket"
)

// The console's templates and stylesheet, embedded: the console needs no
// build step and no file beside the binary or the Lambda's bootstrap.
var (
	//go:embed console/*.html console/style.css console/icon.svg
	consoleFiles embed.FS

	consoleCSS  = mustReadConsole("console/style.css")
	consoleIcon = mustReadConsole("console/icon.svg")
	// consoleCSSVersion names the stylesheet's content in its URL, so that
	// browsers may keep it for long and still never show a stale one.
	consoleCSSVersion = hex.EncodeToString(sha256Sum(string(consoleCSS)))[:12]

	loginTemplate   = consoleTemplate("console/login.html")
	queueTemplate   = consoleTemplate("console/queue.html")
	ticketTemplate  = consoleTemplate("console/ticket.html")
	problemTemplate = consoleTemplate("console/problem.html")
)

func mustReadConsole(name string) []byte {
	b, err := consoleFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

func consoleTemplate(name string) *template.Template {
	return template.Must(template.New("").Funcs(consoleFuncs).ParseFS(consoleFiles, "console/layout.html", name))
}

// consoleFuncs are the console templates' helpers.
var consoleFuncs = template.FuncMap{"field": func(name, label string, options []option) selectField {
	return selectField{name, label, options}
}}

// selectField is a labelled <select> of a filter form (layout.html's
// "select"), its name also its id.
type selectField struct {
	Name, Label string
	Options     []option
}

// consolePage is what the layout of every console page shows.
type consolePage struct {
	Title   string
	Home    string // the console's address, without the trailing slash
	CSS     string // the stylesheet's address
	Who     string // the signed-in key's name; "" when signed out
	CSRF    string // the session's token, for the sign-out button and every form
	Queue   string // the queue the page belongs to, for the navigation
	Refresh int    // seconds after which the page reloads itself; 0 never
	Flash   string // what the last action did
	Problem string // why the last action or the request did not work
}

// newPage fills in the layout's data for a page titled title.
func (c *console) newPage(r *http.Request, sess session, title string) consolePage {
	p := consolePage{Title: title, Home: c.consoleURL(r), Who: sess.Name}
	p.CSS = p.Home + "/style.css?v=" + consoleCSSVersion
	if sess.Name != "" {
		p.CSRF = c.keys.csrfToken(sess)
	}
	return p
}

// render writes a console page with the headers every one has: no
// caching (they show tickets to whoever is signed in), no sniffing, no
// Referer to other sites, and a CSP that allows the console's own
// stylesheet and nothing else: no script, no frame, no post elsewhere.
func (c *console) render(w http.ResponseWriter, status int, t *template.Template, data any) {
	self := selfSources(c.config.BaseURL)
	writePage(w, c.log, status, t, data, "default-src 'none'; style-src "+self+"; img-src "+self+
		"; form-action "+self+"; frame-ancestors 'none'; base-uri 'none'")
}

// problemView is the data of the page that says what went wrong.
type problemView struct {
	consolePage
	Heading string
	Message string
}

// problem answers status with a page that says heading and message.
func (c *console) problem(w http.ResponseWriter, r *http.Request, status int, sess session, heading, message string) {
	c.render(w, status, problemTemplate, problemView{consolePage: c.newPage(r, sess, heading), Heading: heading, Message: message})
}

// asset answers with one of the console's own files, which any page may
// load without signing in (the sign-in page needs them), and which
// browsers may keep a day: the stylesheet's URL names its content.
func asset(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'")
		h.Set("Cache-Control", "public, max-age=86400")
		w.Write(body)
	}
}

// failPage answers a desk error with a page: its status from the one
// table (respond.go), its client-safe message; internal errors and
// outages are logged, as the API logs them.
func (c *console) failPage(w http.ResponseWriter, r *http.Request, sess session, err error) {
	code := ticket.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	heading := "That did not work"
	switch code {
	case ticket.NotFound:
		heading = "Not found"
	case ticket.Unavailable:
		heading = "tierline cannot reach its store"
		c.log.WarnContext(r.Context(), "dependency unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", retryAfter)
	case ticket.Internal:
		c.log.ErrorContext(r.Context(), "internal error", "path", r.URL.Path, "err", err)
	}
	c.problem(w, r, status, sess, heading, ticket.ErrorMessage(err))
}
