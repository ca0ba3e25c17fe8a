package intake

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Options are the settings of one integration that its decoder needs, as
// the config gives them (httpapi maps policy.Integration to Options, so
// that intake needs nothing but ticket). Zero values are the defaults.
type Options struct {
	Grouping Grouping          // alertmanager, grafana
	HMAC     *HMAC             // generic, grafana: when set, every request must be signed
	Mapping  map[string]string // generic: ticket field → RFC 6901 JSON pointer into the body
	SNS      SNSOptions        // sns
}

// Grouping says how Alertmanager and Grafana notifications become tickets.
type Grouping string

// The groupings.
const (
	ByGroup Grouping = "group" // the default: one ticket per notification group (groupKey)
	ByAlert Grouping = "alert" // one ticket per alert (fingerprint)
)

// HMAC is a shared-secret signature on each request: the lowercase hex
// HMAC-SHA256 of the body, or of "timestamp:body" when TimestampHeader is
// set, the way Grafana signs its webhooks.
type HMAC struct {
	Secret          []byte
	Header          string        // "" for the kind's default
	TimestampHeader string        // "" to sign the body alone
	Window          time.Duration // how far the timestamp may be from the clock; 0 for DefaultWindow
}

// DefaultWindow is how far a signed timestamp may be from the clock.
const DefaultWindow = 5 * time.Minute

// SNSOptions are an SNS integration's allow-list and alarm handling, and
// the network the decoder needs: the signing certificates (cached) and the
// subscription confirmation.
type SNSOptions struct {
	Topics []string // the TopicArns that may post; empty allows none

	// InsufficientData is what an alarm in state INSUFFICIENT_DATA does:
	// ticket.Trigger, ticket.Resolve, or "" to be ignored (answered 2xx).
	InsufficientData ticket.Action

	Certs   *SNSCerts // fetches and caches signing certificates; required
	Confirm Fetcher   // GETs a SubscribeURL; required
}

// Fetcher GETs a URL and returns the body. The SNS decoder fetches signing
// certificates and subscription confirmations through one; tests give it
// one that never reaches the network. A *StatusError tells an answer of
// the server from a failure to reach it.
type Fetcher func(ctx context.Context, url string) ([]byte, error)
