package httpapi

import (
	"net/http"
	"net/url"
	"strings"
)

// maxLoginForm bounds the sign-in post: an api key and where to go next.
const maxLoginForm = 8 << 10

// loginView is the data of the sign-in page.
type loginView struct {
	consolePage
	Next string // the console page to go to after signing in, as checked by safeNext
}

// signedIn lets a request through to next only with a valid session;
// anyone else is sent to sign in (303), and comes back to the page they
// asked for (a GET's) once signed in. A cookie that no longer works is
// cleared on the way.
func (c *console) signedIn(next consoleHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, ok := c.session(r)
		if ok {
			next(w, r, sess)
			return
		}
		if _, err := r.Cookie(sessionCookie); err == nil {
			http.SetCookie(w, c.sessionCookieFor(r, "", c.now()))
		}
		path := "/login"
		if back := strings.TrimPrefix(r.URL.RequestURI(), "/console/"); r.Method == http.MethodGet && safeNext(back) != "" {
			path += "?next=" + url.QueryEscape(back)
		}
		c.redirect(w, r, path)
	}
}

// safeNext returns next if it names a console page (a queue or a ticket,
// relative to the console, with its query), else "": what a sign-in is
// sent on to must never lead off tierline.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "queue/") && !strings.HasPrefix(next, "tickets/") && next != "metrics" && !strings.HasPrefix(next, "metrics?") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.Fragment != "" ||
		strings.ContainsAny(next, "\\\x00\r\n") || strings.Contains(u.Path, "..") || strings.Contains(u.Path, "//") {
		return ""
	}
	return next
}

// loginPage answers GET /console/login: the sign-in form, or for someone
// signed in already the first queue.
func (c *console) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := c.session(r); ok {
		c.redirect(w, r, "/"+firstPage(next))
		return
	}
	c.showLogin(w, r, http.StatusOK, next, "")
}

func (c *console) showLogin(w http.ResponseWriter, r *http.Request, status int, next, problem string) {
	v := loginView{consolePage: c.newPage(r, session{}, "Sign in"), Next: next}
	v.Problem = problem
	c.render(w, status, loginTemplate, v)
}

// firstPage is where a sign-in leads: next, or the L1 queue.
func firstPage(next string) string {
	if next == "" {
		return "queue/L1"
	}
	return next
}

// login answers POST /console/login: a personal api key, checked as the
// API checks one, starts a session of the key's name. A wrong key gets
// the form again, 401; a post from another site's page is refused.
func (c *console) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		c.showLogin(w, r, http.StatusBadRequest, "", "The sign-in form could not be read. Try again.")
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	if !c.sameSite(r) {
		c.problem(w, r, http.StatusForbidden, session{}, "Refused: this did not come from tierline's page",
			"Another site tried to sign you in. Open the console's sign-in page yourself.")
		return
	}
	key, ok := c.config.APIKey(strings.TrimSpace(r.PostForm.Get("key")))
	if !ok {
		c.log.InfoContext(r.Context(), "console sign-in refused")
		c.showLogin(w, r, http.StatusUnauthorized, next, "That api key is not valid. Use your own key from the config's api_keys.")
		return
	}
	sess := newSession(key.Name, c.now())
	http.SetCookie(w, c.sessionCookieFor(r, c.keys.encode(sess), sess.Expires))
	c.log.InfoContext(r.Context(), "console sign-in", "key", key.Name)
	c.redirect(w, r, "/"+firstPage(next))
}

// logout answers POST /console/logout, the sign-out button: it clears
// the cookie. Like every console post it needs the session's token.
func (c *console) logout(w http.ResponseWriter, r *http.Request, sess session) {
	if !c.checkPost(w, r, sess) {
		return
	}
	http.SetCookie(w, c.sessionCookieFor(r, "", c.now()))
	c.redirect(w, r, "/login")
}

// checkPost reads a console post and reports whether it may act: from
// tierline's own page (Origin, Sec-Fetch-Site) and with the session's
// CSRF token. Otherwise it answers 403 and nothing changes.
func (c *console) checkPost(w http.ResponseWriter, r *http.Request, sess session) bool {
	r.Body = http.MaxBytesReader(w, r.Body, c.maxBody)
	if err := r.ParseForm(); err != nil {
		c.problem(w, r, http.StatusRequestEntityTooLarge, sess, "Not sent", "The form could not be read, or is too large. Go back and try a shorter text.")
		return false
	}
	if !c.sameSite(r) || !c.keys.checkCSRF(sess, r.PostForm.Get("csrf")) {
		c.problem(w, r, http.StatusForbidden, sess, "Refused: this did not come from your console page",
			"The form lacks the token of your session, or came from another site. Nothing was changed. Open the page again and use its buttons.")
		return false
	}
	return true
}
