package actionlink_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/policy"
)

var (
	now    = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	signer = actionlink.New(policy.NewLinkKey("a-test-secret-of-at-least-32-characters"), time.Hour)
	other  = actionlink.New(policy.NewLinkKey("another-test-secret-of-32-characters-or-more"), time.Hour)
)

func mustMake(t *testing.T, action actionlink.Action, channel string) string {
	t.Helper()
	tok, err := signer.Make("0c7g2m4x9k3t1p", action, 2, channel, now)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Ensure a link opens to what was signed, until it expires, and that an
// expired one still says what it was for.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tok := mustMake(t, actionlink.Acknowledge, "oncall-slack")
	want := actionlink.Link{Ticket: "0c7g2m4x9k3t1p", Action: actionlink.Acknowledge, Notice: 2, Channel: "oncall-slack", Expires: now.Add(time.Hour)}
	got, err := signer.Open(tok, now.Add(59*time.Minute))
	if err != nil || got != want {
		t.Fatalf("Open = %+v, %v; want %+v", got, err, want)
	}
	got, err = signer.Open(tok, now.Add(time.Hour))
	if !errors.Is(err, actionlink.ErrExpired) || got != want {
		t.Fatalf("Open at expiry = %+v, %v; want the link and ErrExpired", got, err)
	}
	if len(tok) > 80 {
		t.Errorf("token is %d characters; want a compact one (under 80 for a short channel name)", len(tok))
	}
	if strings.ContainsAny(tok, "+/=") {
		t.Errorf("token %q is not URL-safe", tok)
	}
}

// Ensure every other token is broken: another key, a changed bit, a
// second spelling, a cut or padded one, and nonsense.
func TestBroken(t *testing.T) {
	t.Parallel()
	tok := mustMake(t, actionlink.Acknowledge, "l1")
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	// The last character carries bits beyond the data: a loose decoder
	// reads the same bytes when they are set.
	last := tok[len(tok)-1]
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	twin := tok[:len(tok)-1] + string(alphabet[strings.IndexByte(alphabet, last)+1])
	tests := []struct{ name, token string }{
		{"empty", ""},
		{"nonsense", "hello"},
		{"other_key", func() string {
			tok, _ := other.Make("0c7g2m4x9k3t1p", actionlink.Acknowledge, 2, "l1", now)
			return tok
		}()},
		{"version_changed", flip(0)},
		{"action_changed", flip(1)},
		{"notice_changed", flip(5)},
		{"expiry_changed", flip(9)},
		{"ticket_changed", flip(12)},
		{"channel_changed", flip(24)},
		{"mac_changed", flip(len(raw) - 1)},
		{"second_spelling", twin},
		{"padded", tok + "="},
		{"cut", tok[:len(tok)-2]},
		{"longer", tok + "AA"},
		{"standard_base64", base64.StdEncoding.EncodeToString(raw) + "+/"},
		{"huge", strings.Repeat("A", 4096)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.token == tok {
				t.Fatal("the case did not change the token")
			}
			if _, err := signer.Open(tt.token, now); !errors.Is(err, actionlink.ErrBroken) {
				t.Errorf("Open(%q) = %v, want ErrBroken", tt.token, err)
			}
		})
	}
}

// Ensure what cannot be a link is not signed, and a signer without a key
// signs and opens nothing.
func TestSignRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		link actionlink.Link
	}{
		{"unknown_action", actionlink.Link{Ticket: "0c7g2m4x9k3t1p", Action: 'x', Notice: 1, Channel: "l1", Expires: now}},
		{"ticket_not_an_id", actionlink.Link{Ticket: "nope", Action: actionlink.View, Notice: 1, Channel: "l1", Expires: now}},
		{"ticket_not_canonical", actionlink.Link{Ticket: "0C7G2M4X9K3T1P", Action: actionlink.View, Notice: 1, Channel: "l1", Expires: now}},
		{"notice_zero", actionlink.Link{Ticket: "0c7g2m4x9k3t1p", Action: actionlink.View, Notice: 0, Channel: "l1", Expires: now}},
		{"no_channel", actionlink.Link{Ticket: "0c7g2m4x9k3t1p", Action: actionlink.View, Notice: 1, Expires: now}},
		{"channel_too_long", actionlink.Link{Ticket: "0c7g2m4x9k3t1p", Action: actionlink.View, Notice: 1,
			Channel: strings.Repeat("c", actionlink.MaxChannel+1), Expires: now}},
		{"expiry_before_1970", actionlink.Link{Ticket: "0c7g2m4x9k3t1p", Action: actionlink.View, Notice: 1, Channel: "l1", Expires: time.Unix(-1, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tok, err := signer.Sign(tt.link); err == nil {
				t.Errorf("Sign(%+v) = %q, want an error", tt.link, tok)
			}
		})
	}
	t.Run("no_key", func(t *testing.T) {
		t.Parallel()
		var none *actionlink.Signer
		unset := actionlink.New(policy.LinkKey{}, 0)
		for _, s := range []*actionlink.Signer{none, unset} {
			if s.Enabled() {
				t.Error("a signer without a key says it is enabled")
			}
			if _, err := s.Make("0c7g2m4x9k3t1p", actionlink.View, 1, "l1", now); err == nil {
				t.Error("a signer without a key signed a link")
			}
			if _, err := s.Open(mustMake(t, actionlink.View, "l1"), now); !errors.Is(err, actionlink.ErrBroken) {
				t.Errorf("a signer without a key opened a link: %v", err)
			}
			if s.CheckCSRF("x", s.CSRF("x")) {
				t.Error("a signer without a key accepted a CSRF token")
			}
		}
	})
	if ttl := actionlink.New(policy.NewLinkKey("k"), 0).TTL(); ttl != actionlink.DefaultTTL {
		t.Errorf("TTL without one = %s, want %s", ttl, actionlink.DefaultTTL)
	}
}

// Ensure a CSRF token belongs to its link alone and to its key.
func TestCSRF(t *testing.T) {
	t.Parallel()
	ack, view := mustMake(t, actionlink.Acknowledge, "l1"), mustMake(t, actionlink.View, "l1")
	csrf := signer.CSRF(ack)
	tests := []struct {
		name, token, csrf string
		want              bool
	}{
		{"its_link", ack, csrf, true},
		{"another_link", view, csrf, false},
		{"another_key", ack, other.CSRF(ack), false},
		{"empty", ack, "", false},
		{"second_spelling", ack, csrf + "=", false},
		{"the_link_itself", ack, ack, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := signer.CheckCSRF(tt.token, tt.csrf); got != tt.want {
				t.Errorf("CheckCSRF = %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzOpen checks that no input panics Open and that whatever opens
// signs back to the same token: one spelling per link.
func FuzzOpen(f *testing.F) {
	tok, _ := signer.Make("0c7g2m4x9k3t1p", actionlink.Acknowledge, 3, "l1", now)
	f.Add(tok)
	f.Add("")
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, token string) {
		l, err := signer.Open(token, now)
		if err != nil && !errors.Is(err, actionlink.ErrExpired) {
			return
		}
		again, err := signer.Sign(l)
		if err != nil || again != token {
			t.Fatalf("Open(%q) = %+v, which signs to %q, %v", token, l, again, err)
		}
	})
}
