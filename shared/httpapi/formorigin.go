package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// preflightMaxAge is how long a browser may keep a preflight's answer, in
// seconds: API Gateway's usual 600.
const preflightMaxAge = "600"

// corsHeaders are the request headers a page's script may send to a form,
// beyond the ones browsers always allow: Content-Type (for JSON) and
// Accept (to ask for a JSON answer). Forms take no credentials.
var corsHeaders = []string{"content-type", "accept", "accept-language", "content-language"}

// checkOrigin decides whether the page a POST comes from may file through
// form f, going by the browser's Origin header:
//   - no Origin: not a browser (curl, a server, a test): allowed, since
//     CORS protects browsers' users, and such a client can set any Origin;
//   - the origin of tierline itself (its own form page, see ownOrigin):
//     allowed;
//   - one of the form's origins: allowed, with the CORS headers that let
//     the page's script read the answer;
//   - anything else, "null" included (sandboxed frames, pages whose
//     Referrer-Policy is no-referrer): Forbidden.
func (s *Server) checkOrigin(w http.ResponseWriter, r *http.Request, f policy.Form) error {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	switch {
	case origin == "":
		return nil
	case f.AllowsOrigin(origin):
		allowOrigin(w, origin)
		return nil
	case s.ownOrigin(r, origin):
		return nil
	}
	return originRefused(f, origin)
}

func originRefused(f policy.Form, origin string) error {
	return ticket.Errorf(ticket.Forbidden,
		"pages of %.100q may not file requests through form %q; if they should, add the origin to the form's origins in the config",
		origin, f.Name)
}

// ownOrigin reports whether origin is tierline's own: that of its base
// URL. Never the Host a request names, which a browser takes from the
// address it was sent to: a page on a name rebound to tierline's address
// (DNS rebinding) would send that name as both Host and Origin. Without a
// base URL (tierline serve always has one: the address it listens on),
// only a host set by what routes to tierline (Options.TrustHost: API
// Gateway on Lambda) stands in for it.
func (s *Server) ownOrigin(r *http.Request, origin string) bool {
	if s.config.BaseURL != "" {
		base := originOf(s.config.BaseURL)
		return origin == base || sameLoopback(origin, base)
	}
	if !s.trustHost {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) && u.Scheme == schemeOf(r)
}

// sameLoopback reports whether origins a and b are this machine's
// loopback address under two of its names (localhost, 127.0.0.1, [::1]),
// with the same scheme and port: tierline serve on 127.0.0.1 is also
// opened as localhost. No other machine can serve a page from them, and
// a name rebound to loopback is none of them.
func sameLoopback(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Scheme == ub.Scheme && ua.Port() == ub.Port() &&
		loopbackName(ua.Hostname()) && loopbackName(ub.Hostname())
}

func loopbackName(host string) bool {
	switch host {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// originOf returns the scheme://host[:port] of an absolute URL.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func allowOrigin(w http.ResponseWriter, origin string) {
	w.Header().Set("Access-Control-Allow-Origin", origin)
}

// preflightForm answers a CORS preflight (OPTIONS /forms/{form}) for a
// page's script that posts JSON or sets Accept. Behind API Gateway, its
// CORS configuration answers preflights itself; this answers them locally,
// and on a deployment without that configuration. An OPTIONS that is not a
// preflight is told the methods of the route.
func (s *Server) preflightForm(w http.ResponseWriter, r *http.Request) {
	f, ok := s.config.Form(r.PathValue("form"))
	if !ok {
		s.fail(w, r, noForm(r.PathValue("form")))
		return
	}
	w.Header().Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	origin, method := r.Header.Get("Origin"), r.Header.Get("Access-Control-Request-Method")
	if origin == "" || method == "" {
		w.Header().Set("Allow", formMethods)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !f.AllowsOrigin(origin) {
		s.fail(w, r, originRefused(f, origin))
		return
	}
	if method != http.MethodPost {
		s.fail(w, r, ticket.Errorf(ticket.Forbidden, "method %.20q: a form takes only POST", method))
		return
	}
	for _, h := range strings.Split(r.Header.Get("Access-Control-Request-Headers"), ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		if h != "" && !slices.Contains(corsHeaders, h) {
			s.fail(w, r, ticket.Errorf(ticket.Forbidden, "header %.60q: a form takes only Content-Type and Accept, and no credentials", h))
			return
		}
	}
	allowOrigin(w, origin)
	w.Header().Set("Access-Control-Allow-Methods", http.MethodPost)
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Accept")
	w.Header().Set("Access-Control-Max-Age", preflightMaxAge)
	w.WriteHeader(http.StatusNoContent)
}
