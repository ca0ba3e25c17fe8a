package intake_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/ticket"
)

// FuzzGeneric feeds the generic decoder arbitrary bodies and content types.
// Alert text comes from anyone holding a token, so the decoder must never
// panic, and every refusal must carry a code the API can answer (never
// Internal, which would be a 500 and a retry storm). Beyond that, the code
// must tell the cases apart: Malformed exactly when the body is not JSON,
// Unsupported exactly when the content type is not JSON.
func FuzzGeneric(f *testing.F) {
	seeds := []struct{ ct, body string }{
		{"application/json", `{"title": "disk full on db-1"}`},
		{"application/json", `{"summary": "api latency high", "severity": "warning", "source": "api-7",
			"dedup_key": "api/latency", "labels": {"team": "web"}, "details": {"p99_ms": 2300},
			"links": ["https://grafana.example/d/api", {"href": "https://runbooks.example/latency", "text": "runbook"}]}`},
		{"application/json; charset=utf-8", `[{"title": "one", "dedup_key": "k1"}, {"dedup_key": "k1", "action": "resolved"}]`},
		{"application/json", `{"dedup_key": "db-1/disk", "action": "ack", "priority": "P2"}`},
		{"application/vnd.x+json", `{"title": 42}`},
		{"application/json", `{"title": "cut short", "labels": {"a":`},
		{"text/plain", `{"title": "t"}`},
		{"", ``},
		{"application/json", `[]`},
		{"application/json", `{"title": "t", "links": [7, null, {"href": ["x"]}]}`},
	}
	for _, s := range seeds {
		f.Add(s.ct, []byte(s.body))
	}
	seed(f, "generic", func(b []byte) { f.Add("application/json", b) })
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		signals, err := intake.Generic(&intake.Request{Body: body, Header: http.Header{"Content-Type": {ct}}})
		if err == nil {
			if len(signals) == 0 {
				t.Fatal("Generic accepted the body but returned no signals")
			}
			return
		}
		code := ticket.ErrorCode(err)
		switch code {
		case ticket.Malformed, ticket.Invalid, ticket.Unsupported:
		default:
			t.Fatalf("ErrorCode=%v, want malformed, invalid or unsupported (err: %v)", code, err)
		}
		if ticket.ErrorMessage(err) == "" {
			t.Fatalf("error %v has no message", err)
		}
		if intake.RequireJSON(http.Header{"Content-Type": {ct}}) != nil {
			if code != ticket.Unsupported {
				t.Fatalf("ErrorCode=%v for content type %q, want %v", code, ct, ticket.Unsupported)
			}
			return
		}
		// The decoder trims surrounding blanks before it decodes.
		// A member sent twice is valid JSON but refused as malformed:
		// encoding/json would silently keep the last one.
		valid := json.Valid(bytes.TrimSpace(body))
		var dup *intake.DuplicateMember
		if valid && errors.As(err, &dup) {
			return
		}
		if (code == ticket.Malformed) == valid {
			t.Fatalf("ErrorCode=%v for a body with json.Valid=%v: %v", code, valid, err)
		}
	})
}
