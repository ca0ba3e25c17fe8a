package httpapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/policy"
)

// The console's sessions are stateless, so that they work the same in
// tierline serve and across the API's Lambda instances: the cookie itself
// carries the api key's name, its expiry and a random session id, signed
// with HMAC-SHA256. Nothing is stored, so signing out clears the cookie
// in the browser; a copy of a cookie works until it expires.

// SessionLife is how long a console session lasts after sign-in: an
// on-call shift, not longer.
const SessionLife = 12 * time.Hour

// sessionCookie is the console cookie's name; its path is /console.
const sessionCookie = "tierline_console"

// Labels that derive the console's keys from the config's link secret, so
// that a session or a CSRF token can never pass for a signed action link
// or a status link, nor one for the other.
const (
	sessionLabel = "tierline console session v1"
	csrfLabel    = "tierline console csrf v1"
)

// session is who a console cookie says is signed in.
type session struct {
	Name    string    // the api key's name: the actor of everything done
	Expires time.Time // to the second
	ID      string    // random, hex: what the CSRF token is bound to
}

// consoleKeys are the console's HMAC keys: derived from a secret the
// config has anyway, never the secret itself.
type consoleKeys struct {
	session, csrf []byte
}

// newConsoleKeys derives the keys from the action links' secret, or
// without one from the forms secret; ok is false when the config has
// neither, and then the console is off: a key made up at start would
// differ between Lambda instances and sign everyone out at each restart.
func newConsoleKeys(cfg *policy.Config) (consoleKeys, bool) {
	secret := cfg.ActionLinks.Secret
	if !secret.IsSet() {
		secret = cfg.FormsSecret
	}
	if !secret.IsSet() {
		return consoleKeys{}, false
	}
	return consoleKeys{session: secret.Sum(sessionLabel), csrf: secret.Sum(csrfLabel)}, true
}

// newSession starts a session for key name, valid for SessionLife from now.
func newSession(name string, now time.Time) session {
	id := make([]byte, 16)
	rand.Read(id) // never fails (crypto/rand)
	return session{Name: name, Expires: now.Add(SessionLife).Truncate(time.Second), ID: hex.EncodeToString(id)}
}

// encode is the cookie value of s: "1.<name>.<expiry>.<id>.<mac>", the name
// in unpadded base64url, the expiry in Unix seconds, the MAC over all
// before it.
func (k consoleKeys) encode(s session) string {
	body := "1." + base64.RawURLEncoding.EncodeToString([]byte(s.Name)) + "." +
		strconv.FormatInt(s.Expires.Unix(), 10) + "." + s.ID
	return body + "." + base64.RawURLEncoding.EncodeToString(mac(k.session, body))
}

// decode reads a cookie value made by encode, refusing one whose MAC is
// wrong, of another version, or expired at now.
func (k consoleKeys) decode(value string, now time.Time) (session, bool) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return session{}, false
	}
	body, sig := value[:i], value[i+1:]
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(k.session, body)) {
		return session{}, false
	}
	parts := strings.Split(body, ".")
	if len(parts) != 4 || parts[0] != "1" {
		return session{}, false
	}
	name, err := base64.RawURLEncoding.DecodeString(parts[1])
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || err2 != nil || len(parts[3]) != 32 {
		return session{}, false
	}
	s := session{Name: string(name), Expires: time.Unix(exp, 0).UTC(), ID: parts[3]}
	if !now.Before(s.Expires) {
		return session{}, false
	}
	return s, true
}

// csrfToken is the CSRF token of session s: only pages of that session
// carry it, and it dies with the session.
func (k consoleKeys) csrfToken(s session) string {
	return base64.RawURLEncoding.EncodeToString(mac(k.csrf, s.ID))
}

// checkCSRF reports, in constant time, whether token is s's.
func (k consoleKeys) checkCSRF(s session, token string) bool {
	got, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && hmac.Equal(got, mac(k.csrf, s.ID))
}

func mac(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// sessionCookieFor is the cookie that carries s (value "" and a past
// expiry clears it). It is HttpOnly (no script reads it), SameSite=Strict
// (no other site's page sends it, a second wall behind the CSRF token)
// and Secure when tierline's own address is https, as its links are.
func (c *console) sessionCookieFor(r *http.Request, value string, expires time.Time) *http.Cookie {
	k := &http.Cookie{Name: sessionCookie, Value: value, Path: "/console", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(c.baseURL(r), "https://")}
	if value == "" {
		k.MaxAge = -1
		return k
	}
	k.Expires = expires
	return k
}

// session returns the request's valid session: a cookie tierline signed,
// not expired, of an api key the config still has (a key taken out of
// the config signs its sessions out).
func (c *console) session(r *http.Request) (session, bool) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	sess, ok := c.keys.decode(cookie.Value, c.now())
	if !ok {
		return session{}, false
	}
	for _, k := range c.config.APIKeys {
		if k.Name == sess.Name {
			return sess, true
		}
	}
	return session{}, false
}
