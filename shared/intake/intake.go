// Package intake turns what senders post into ticket.Signals: one decoder
// per sender kind, each in a file of its own, plus the checks senders'
// credentials need beyond a token (HMAC and SNS signatures). Decoders see
// the raw request body, so signatures are checked on the exact bytes
// received.
//
// Decoders return *ticket.Error values: Malformed for bodies that do not
// parse, Invalid for bodies of the wrong shape, Unsupported for a content
// type the kind does not speak, Unauthorized for a signature that does not
// verify, Forbidden for a signed sender that may not post here, and
// Unavailable when a fetch the SNS decoder needs failed (a retry may work).
// A decoder that returns no signals and no error has accepted a request
// that asks for nothing (an SNS subscription confirmation, an ignored
// alarm state).
package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Request is an inbound request as decoders see it: the body (size-capped
// and base64-decoded by the transport), the headers and the query, when it
// arrived, and the options of the integration it came to.
type Request struct {
	Context  context.Context // for the SNS decoder's fetches; nil means context.Background()
	Body     []byte
	Header   http.Header
	Query    url.Values
	Received time.Time // zero means now; signed timestamps are checked against it
	Options  Options
}

func (r *Request) ctx() context.Context {
	if r.Context == nil {
		return context.Background()
	}
	return r.Context
}

func (r *Request) received() time.Time {
	if r.Received.IsZero() {
		return time.Now()
	}
	return r.Received
}

// Decoder decodes the signals of one request.
type Decoder func(r *Request) ([]ticket.Signal, error)

// decoders maps each integration kind to its decoder. Adding a sender is
// one file with one Decoder and one line here. The PagerDuty and Opsgenie
// drop-ins have routes of their own (see ParsePagerDuty, OpsgenieAction);
// their decoders here decode the body of an alert event and a create.
var decoders = map[string]Decoder{
	"alertmanager": Alertmanager,
	"datadog":      Datadog,
	"generic":      Generic,
	"grafana":      Grafana,
	"opsgenie":     Opsgenie,
	"pagerduty":    PagerDuty,
	"sns":          SNS,
}

// Lookup returns the decoder of an integration kind.
func Lookup(kind string) (Decoder, bool) {
	d, ok := decoders[kind]
	return d, ok
}

// Kinds lists the kinds that have a decoder, sorted.
func Kinds() []string {
	out := make([]string, 0, len(decoders))
	for k := range decoders {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// RequireJSON refuses a request whose content type is not JSON.
func RequireJSON(h http.Header) error {
	ct := h.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	if ct == "" {
		ct = "none"
	}
	return ticket.Errorf(ticket.Unsupported, "content type %s: send Content-Type: application/json", ct)
}

// decodeJSON unmarshals body into v, telling a body that is not JSON at
// all, or has a member twice (Malformed), from JSON of the wrong shape
// (Invalid).
func decodeJSON(body []byte, v any) error {
	if err := CheckMembers(body, v); err != nil {
		return err
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return ticket.Errorf(ticket.Malformed, "the body is not valid JSON: %v (at byte %d)", syntax, syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF) || len(strings.TrimSpace(string(body))) == 0:
		return ticket.Errorf(ticket.Malformed, "the body is not valid JSON: it ends too early")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		return ticket.Errorf(ticket.Invalid, "%s: want %s, got JSON %s", field, typeName(typ.Type.String()), typ.Value)
	}
	return ticket.Errorf(ticket.Invalid, "the body does not have the expected shape: %v", err)
}

func typeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "intake."), strings.HasPrefix(goType, "struct"):
		return "an object"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case goType == "string":
		return "a string"
	}
	return fmt.Sprintf("a %s", goType)
}
