package intake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// verify checks the signature of r: in h.Header, or when that is empty in
// the first of defaults the request carries. The signature is checked
// first and the timestamp's age second, so that "stale" is only ever said
// of a request the secret really signed.
func (h *HMAC) verify(r *Request, defaults ...string) error {
	names := defaults
	if h.Header != "" {
		names = []string{h.Header}
	}
	var name, sig string
	for _, n := range names {
		if v := r.Header.Get(n); v != "" {
			name, sig = n, v
			break
		}
	}
	if sig == "" {
		return ticket.Errorf(ticket.Unauthorized, "send the signature in %s: the hex HMAC-SHA256 of the body with the integration's secret", names[0])
	}
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return ticket.Errorf(ticket.Unauthorized, "the signature in %s is not hex: send the hex HMAC-SHA256", name)
	}
	mac := hmac.New(sha256.New, h.Secret)
	var ts string
	if h.TimestampHeader != "" {
		if ts = strings.TrimSpace(r.Header.Get(h.TimestampHeader)); ts == "" {
			return ticket.Errorf(ticket.Unauthorized, "send the time of signing in %s, in Unix seconds", h.TimestampHeader)
		}
		mac.Write([]byte(ts + ":"))
	}
	mac.Write(r.Body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		what := "the body"
		if ts != "" {
			what = "timestamp:body"
		}
		return ticket.Errorf(ticket.Unauthorized, "the signature in %s does not match: sign %s, exactly as sent, with the integration's secret", name, what)
	}
	if ts == "" {
		return nil
	}
	return h.fresh(ts, r.received())
}

// fresh refuses a signed timestamp further than the window from now: a
// replay of a request seen before, or a clock that is wrong.
func (h *HMAC) fresh(ts string, now time.Time) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ticket.Errorf(ticket.Unauthorized, "the timestamp in %s is %.40q: want Unix seconds", h.TimestampHeader, ts)
	}
	window := h.Window
	if window <= 0 {
		window = DefaultWindow
	}
	w := int64(window / time.Second)
	if n := now.Unix(); sec < n-w || sec > n+w {
		return ticket.Errorf(ticket.Unauthorized, "the timestamp in %s is more than %s from the clock: a replay, or a clock to set right", h.TimestampHeader, window)
	}
	return nil
}
