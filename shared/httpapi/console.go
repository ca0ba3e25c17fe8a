package httpapi

import (
	"net/http"
)

// The on-call console: pages for people signed in with their own api key,
// under /console/, served by the same handler as the API so that it works
// in tierline serve and behind the api Lambda alike. Its pages are
// html/template (every ticket text is escaped, never template.HTML), load
// only their own stylesheet, run no script, and post only to tierline;
// each post carries a CSRF token of the session. What it does is the
// desk's: the console decides nothing the API does not.

// console serves the console's routes; it holds what only they need.
type console struct {
	*Server
	keys consoleKeys
}

// consoleHandler is a handler of a signed-in person's request.
type consoleHandler func(w http.ResponseWriter, r *http.Request, sess session)

// consoleRoutes adds the console. Without a secret to sign sessions with
// (action_links or forms_secret), every console address says how to turn
// it on.
func (s *Server) consoleRoutes() {
	keys, on := newConsoleKeys(s.config)
	c := &console{Server: s, keys: keys}
	s.handle("GET /console/style.css", asset("text/css; charset=utf-8", consoleCSS))
	s.handle("GET /console/icon.svg", asset("image/svg+xml", consoleIcon))
	if !on {
		s.mux.HandleFunc("/console/", c.off)
		return
	}
	s.handle("GET /console/login", c.loginPage)
	s.handle("POST /console/login", c.login)
	s.handle("POST /console/logout", c.signedIn(c.logout))
	s.handle("GET /console/{$}", c.signedIn(c.home))
	s.handle("GET /console/queue/{queue}", c.signedIn(c.queue))
	s.handle("GET /console/tickets/{id}", c.signedIn(c.ticketPage))
	s.handle("GET /console/metrics", c.signedIn(c.consoleMetrics))
	s.handle("POST /console/tickets/{id}/{action}", c.signedIn(c.act))
	s.mux.HandleFunc("/console/", c.notFound)
}

// home answers GET /console/: the first queue.
func (c *console) home(w http.ResponseWriter, r *http.Request, _ session) {
	c.redirect(w, r, "/queue/L1")
}

// redirect answers 303 See Other to path under the console, so that a
// reload after a post never posts again.
func (c *console) redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, c.consoleURL(r)+path, http.StatusSeeOther)
}

// consoleURL is the console's address: tierline's own (its base URL, or the
// request's host where that is trusted) and /console.
func (c *console) consoleURL(r *http.Request) string {
	return c.baseURL(r) + "/console"
}

// off answers every console address when the console has no secret.
func (c *console) off(w http.ResponseWriter, r *http.Request) {
	c.problem(w, r, http.StatusNotFound, session{}, "The console is off",
		"It signs its sessions with the action links' secret: set action_links: {secret: …} (or forms_secret) in the config.")
}

// notFound answers console addresses that name no page.
func (c *console) notFound(w http.ResponseWriter, r *http.Request) {
	sess, _ := c.session(r)
	c.problem(w, r, http.StatusNotFound, sess, "No such page", "Check the address, or start from a queue.")
}
