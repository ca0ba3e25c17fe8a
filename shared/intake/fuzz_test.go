package intake_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/intake/intaketest"
	"github.com/tierline/tierline/shared/ticket"
)

// The fuzz targets feed each decoder arbitrary bodies, seeded with the
// samples under events/. Alert text comes from anyone holding a token, so
// a decoder must never panic, every refusal must carry a code the API
// answers with a 4xx and a message, and every signal it accepts must be
// one the desk can check (Normalize may refuse it, never panic).

// seed adds every sample of sender to f through add.
func seed(f *testing.F, sender string, add func(body []byte)) {
	for _, rel := range intaketest.Events(f, sender) {
		add(intaketest.Event(f, rel))
	}
}

// checkDecoded checks what a decoder made of a fuzzed body.
func checkDecoded(t *testing.T, signals []ticket.Signal, err error, allowed ...ticket.Code) {
	t.Helper()
	if err != nil {
		if code := ticket.ErrorCode(err); !slices.Contains(allowed, code) {
			t.Fatalf("ErrorCode=%v, want one of %v (err: %v)", code, allowed, err)
		}
		if ticket.ErrorMessage(err) == "" {
			t.Fatalf("error %v has no message", err)
		}
		return
	}
	for _, s := range signals {
		if err := s.Normalize(); err != nil && ticket.ErrorCode(err) != ticket.Invalid {
			t.Fatalf("Normalize: ErrorCode=%v, want invalid (err: %v)", ticket.ErrorCode(err), err)
		}
	}
}

var bodyCodes = []ticket.Code{ticket.Malformed, ticket.Invalid, ticket.Unsupported}

func FuzzAlertmanager(f *testing.F) {
	seed(f, "alertmanager", func(b []byte) { f.Add(b, false); f.Add(b, true) })
	f.Add([]byte(`{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "x"}}]}`), true)
	f.Fuzz(func(t *testing.T, body []byte, byAlert bool) {
		o := intake.Options{}
		if byAlert {
			o.Grouping = intake.ByAlert
		}
		signals, err := intake.Alertmanager(jsonRequest(body, o))
		checkDecoded(t, signals, err, bodyCodes...)
	})
}

func FuzzGrafana(f *testing.F) {
	seed(f, "grafana", func(b []byte) { f.Add(b, false); f.Add(b, true) })
	f.Fuzz(func(t *testing.T, body []byte, byAlert bool) {
		o := intake.Options{}
		if byAlert {
			o.Grouping = intake.ByAlert
		}
		signals, err := intake.Grafana(jsonRequest(body, o))
		checkDecoded(t, signals, err, bodyCodes...)
	})
}

// FuzzSNS signs whatever fuzzed body is an SNS-shaped JSON object, so that
// the fuzzer reaches past the signature into the alarm decoding.
func FuzzSNS(f *testing.F) {
	sns := intaketest.NewSNS(f)
	o := intake.SNSOptions{Topics: []string{topic}, Certs: intake.NewSNSCerts(sns.Fetch), InsufficientData: ticket.Trigger,
		Confirm: func(context.Context, string) ([]byte, error) { return nil, nil }}
	seed(f, "sns", func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			if sig, err := sns.Signature(m); err == nil {
				m["Signature"] = sig
				body, _ = json.Marshal(m)
			}
		}
		signals, err := intake.SNS(&intake.Request{Body: body, Header: http.Header{}, Options: intake.Options{SNS: o}})
		checkDecoded(t, signals, err, ticket.Malformed, ticket.Invalid, ticket.Unauthorized, ticket.Forbidden)
	})
}

func FuzzDatadog(f *testing.F) {
	seed(f, "datadog", func(b []byte) {
		f.Add("application/json", b)
		f.Add("application/x-www-form-urlencoded", formOf(f, b))
	})
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		signals, err := intake.Datadog(datadogRequest(ct, body))
		checkDecoded(t, signals, err, bodyCodes...)
	})
}

// FuzzGenericMapping fuzzes the generic decoder with a mapping; FuzzGeneric
// (generic_fuzz_test.go) fuzzes it without.
func FuzzGenericMapping(f *testing.F) {
	seed(f, "generic", func(b []byte) { f.Add(b) })
	f.Add([]byte(`{"alert": {"name": "Pump 3 pressure low", "id": 4471, "level": "critical"}, "state": "firing"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		signals, err := intake.Generic(jsonRequest(body, intake.Options{Mapping: mapping}))
		checkDecoded(t, signals, err, bodyCodes...)
	})
}

func FuzzPagerDuty(f *testing.F) {
	seed(f, "pagerduty", func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := intake.ParsePagerDuty(body)
		checkDecoded(t, []ticket.Signal{e.Signal}[:boolInt(err == nil)], err, ticket.Malformed, ticket.Invalid)
		c, err := intake.ParsePagerDutyChange(body)
		if err == nil && c.Signal.Action == "" {
			return // a change that names no ticket
		}
		checkDecoded(t, []ticket.Signal{c.Signal}[:boolInt(err == nil)], err, ticket.Malformed, ticket.Invalid)
	})
}

func FuzzOpsgenie(f *testing.F) {
	seed(f, "opsgenie", func(b []byte) {
		for _, action := range []string{"create", "close", "acknowledge", "notes", "message", "description"} {
			f.Add(action, b)
		}
	})
	f.Fuzz(func(t *testing.T, action string, body []byte) {
		if action == "create" {
			signals, err := intake.Opsgenie(jsonRequest(body, intake.Options{}))
			checkDecoded(t, signals, err, ticket.Malformed, ticket.Invalid)
			return
		}
		s, err := intake.OpsgenieAction(action, body)
		if err == nil && s.Action == "" {
			return // nothing to do
		}
		s.DedupKey = "alias" // the route gives it
		checkDecoded(t, []ticket.Signal{s}[:boolInt(err == nil)], err, ticket.Malformed, ticket.Invalid, ticket.NotFound)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
