// Package actionlink makes and reads the signed links a hand-off carries,
// so that the on-call engineer it reaches can act from a phone without
// signing in: "acknowledge" and "view" (the ticket as it is now). A link
// is a token in the path: which ticket, which action, which hand-off
// (notice) of the ticket, to which channel it was sent, and until when it
// works, followed by an HMAC of all of that. Only tierline can make one;
// changing any bit of it breaks it; and it has exactly one spelling, so
// that a link is either the one tierline gave out or nothing.
//
// A link alone never acts: following it shows a confirm page, and only the
// POST of that page, which carries a CSRF token bound to the link
// (Signer.CSRF), acknowledges. Link previewers and mail scanners that
// fetch every URL therefore cannot take a ticket.
package actionlink

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Action is what a link does.
type Action byte

// The actions a link may carry.
const (
	Acknowledge Action = 'a' // a confirm page whose button acknowledges the ticket
	View        Action = 'v' // the ticket as it is now, read-only
)

// String names the action for people and logs.
func (a Action) String() string {
	switch a {
	case Acknowledge:
		return "acknowledge"
	case View:
		return "view"
	}
	return fmt.Sprintf("action(%d)", byte(a))
}

// Link is what a token says.
type Link struct {
	Ticket  string    // the ticket's ID
	Action  Action    // what following it does
	Notice  int       // the hand-off it came with: the ticket's Seq
	Channel string    // the channel it was sent to, which names who acts
	Expires time.Time // when it stops working, to the second
}

// MaxChannel is the longest channel name a link carries, in bytes.
const MaxChannel = 255

// The token's layout: a version, the action, the notice and the expiry
// (big-endian, fixed width, so one spelling each), the ticket ID, the
// channel's name (the rest), and the first macBytes of the HMAC.
const (
	version  = 1
	headLen  = 1 + 1 + 4 + 4 + idLen
	idLen    = 14
	macBytes = 16 // 128 bits: as unguessable as a random UUID, half of HMAC-SHA256, the least RFC 2104 advises keeping
)

// Purposes keep a link's HMAC and a CSRF token's apart from each other
// and from anything else a key might ever sign.
const (
	linkPurpose = "tierline action link v1\x00"
	csrfPurpose = "tierline action confirm v1\x00"
)

// encoding is base64url without padding, strict: the bits the last
// character carries beyond the data must be zero, so that no two
// spellings decode to one token.
var encoding = base64.RawURLEncoding.Strict()

// The ways a token can fail to open.
var (
	// ErrBroken is a token tierline did not make: malformed, cut short, or
	// signed with another key. It says nothing more, on purpose.
	ErrBroken = errors.New("actionlink: not a link tierline made")
	// ErrExpired is a genuine link past its expiry; Open returns its Link
	// with it, so that the page can say which ticket it was for.
	ErrExpired = errors.New("actionlink: the link has expired")
)

// Key is the HMAC-SHA256 key that signs links: the config's
// action_links secret (policy.LinkKey).
type Key interface {
	Sum(msg string) []byte // HMAC-SHA256 of msg
	IsSet() bool
}

// Signer makes and opens links with one key. A nil Signer, or one whose
// key is not set, signs nothing and finds every token broken.
type Signer struct {
	key Key
	ttl time.Duration
}

// DefaultTTL is how long a link works when the config does not say.
const DefaultTTL = 24 * time.Hour

// New returns a Signer with key that makes links valid for ttl
// (DefaultTTL when ttl is zero or less).
func New(key Key, ttl time.Duration) *Signer {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Signer{key: key, ttl: ttl}
}

// TTL is how long the links it makes work.
func (s *Signer) TTL() time.Duration {
	if s == nil {
		return DefaultTTL
	}
	return s.ttl
}

// Make returns the token of a link for action on notice of ticket id, sent
// to channel at now: it expires TTL after now.
func (s *Signer) Make(id string, action Action, notice int, channel string, now time.Time) (string, error) {
	if !s.Enabled() {
		return "", errors.New("actionlink: no key to sign links with")
	}
	return s.Sign(Link{Ticket: id, Action: action, Notice: notice, Channel: channel, Expires: now.Add(s.ttl)})
}

// Sign returns the token of l.
func (s *Signer) Sign(l Link) (string, error) {
	if !s.Enabled() {
		return "", errors.New("actionlink: no key to sign links with")
	}
	if err := l.check(); err != nil {
		return "", err
	}
	b := make([]byte, headLen, headLen+len(l.Channel)+macBytes)
	b[0], b[1] = version, byte(l.Action)
	binary.BigEndian.PutUint32(b[2:], uint32(l.Notice))
	binary.BigEndian.PutUint32(b[6:], uint32(l.Expires.Unix()))
	copy(b[10:], l.Ticket)
	b = append(b, l.Channel...)
	b = append(b, s.mac(linkPurpose, b)...)
	return encoding.EncodeToString(b), nil
}

// check reports what makes l impossible to sign.
func (l Link) check() error {
	switch {
	case l.Action != Acknowledge && l.Action != View:
		return fmt.Errorf("actionlink: unknown action %q", byte(l.Action))
	case !validID(l.Ticket):
		return fmt.Errorf("actionlink: %q is not a ticket id", l.Ticket)
	case l.Notice < 1 || int64(l.Notice) > math.MaxUint32:
		return fmt.Errorf("actionlink: notice %d is out of range", l.Notice)
	case l.Expires.Unix() < 0 || l.Expires.Unix() > math.MaxUint32:
		return fmt.Errorf("actionlink: expiry %s is out of range", l.Expires)
	case l.Channel == "" || len(l.Channel) > MaxChannel:
		return fmt.Errorf("actionlink: a link names a channel of 1 to %d bytes, not %d", MaxChannel, len(l.Channel))
	}
	return nil
}

// Open reads token, checks its signature and, at now, its expiry. A token
// that is not exactly one tierline made is ErrBroken; a genuine one past
// its expiry comes back with ErrExpired.
func (s *Signer) Open(token string, now time.Time) (Link, error) {
	if !s.Enabled() || len(token) > encoding.EncodedLen(headLen+MaxChannel+macBytes) {
		return Link{}, ErrBroken
	}
	b, err := encoding.DecodeString(token)
	if err != nil || len(b) < headLen+1+macBytes {
		return Link{}, ErrBroken
	}
	body, mac := b[:len(b)-macBytes], b[len(b)-macBytes:]
	if !hmac.Equal(mac, s.mac(linkPurpose, body)) || body[0] != version {
		return Link{}, ErrBroken
	}
	l := Link{
		Action:  Action(body[1]),
		Notice:  int(binary.BigEndian.Uint32(body[2:])),
		Expires: time.Unix(int64(binary.BigEndian.Uint32(body[6:])), 0).UTC(),
		Ticket:  string(body[10:headLen]),
		Channel: string(body[headLen:]),
	}
	if l.check() != nil {
		return Link{}, ErrBroken
	}
	if !now.Before(l.Expires) {
		return l, ErrExpired
	}
	return l, nil
}

// CSRF is the token the confirm page of a link posts back: an HMAC of the
// link's token, so that only a page tierline rendered for that very link
// can act with it. The link is the credential (there is no session to
// ride on); this proves that the POST came from its confirm page.
func (s *Signer) CSRF(token string) string {
	if !s.Enabled() {
		return ""
	}
	return encoding.EncodeToString(s.mac(csrfPurpose, []byte(token)))
}

// CheckCSRF reports, in constant time, whether csrf is CSRF(token).
func (s *Signer) CheckCSRF(token, csrf string) bool {
	if !s.Enabled() {
		return false
	}
	got, err := encoding.DecodeString(csrf)
	return err == nil && hmac.Equal(got, s.mac(csrfPurpose, []byte(token)))
}

// Enabled reports whether s can sign and open links: without a key,
// hand-offs go out without action links.
func (s *Signer) Enabled() bool { return s != nil && s.key != nil && s.key.IsSet() }

func (s *Signer) mac(purpose string, msg []byte) []byte {
	return s.key.Sum(purpose + string(msg))[:macBytes]
}

// validID reports whether id is a ticket ID in its one canonical spelling.
func validID(id string) bool {
	parsed, err := ticket.ParseID(id)
	return err == nil && parsed == id
}
