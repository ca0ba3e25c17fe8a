package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/wire"
)

var ctx = context.Background()

// api is the handler on a world of local stand-ins: the dynamo store on
// minidyn, the config the sample events were written for.
type api struct {
	*lambdatest.World
	h handler
}

func newAPI(t *testing.T) *api {
	t.Helper()
	w := lambdatest.NewWorld(t, "ApiFunction")
	cfg := lambdatest.Config(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h, err := newHandler(&desk.Service{Store: w.Tickets, Config: cfg, Log: log}, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	return &api{World: w, h: h}
}

// call runs a request through the handler the way Lambda does: the event
// as JSON through aws-lambda-go's handler wrapper, the answer decoded.
func (a *api) call(t *testing.T, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()
	payload, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lambda.NewHandler(a.h).Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("handler error (Lambda would answer 502): %v", err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

func hookResult(t *testing.T, resp events.APIGatewayV2HTTPResponse) wire.HookResult {
	t.Helper()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d %s, want 202", resp.StatusCode, resp.Body)
	}
	var r wire.HookResponse
	if err := json.Unmarshal([]byte(resp.Body), &r); err != nil || len(r.Results) != 1 {
		t.Fatalf("body %s (%v), want one result", resp.Body, err)
	}
	return r.Results[0]
}

// Ensure each sample request is an HTTP API v2 event that survives the
// round trip, and that replaying them stores tickets with the DynamoDB
// writes the store promises: created, then counted as a repeat, then a
// critical alert (sent base64-encoded) routed to L2 at P1. A repeat that
// only counts is one UpdateItem; any other alert is that UpdateItem,
// refused, then its write.
func TestReplayEvents(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name     string
		file     string
		body     string // instead of the file's: a request derived from api-hook.json
		outcome  string
		tier     ticket.Tier
		priority ticket.Priority
		seen     int
		writes   int
	}{
		// Ensure a new alert creates a ticket at L1.
		{"new_alert", "api-hook.json", "", "created", ticket.L1, ticket.P3, 1, 2},
		// Ensure the same alert again is an occurrence of the same ticket
		// (the 2nd: a milestone, written whole with its timeline event).
		{"repeat", "api-hook.json", "", "occurrence", ticket.L1, ticket.P3, 2, 2},
		// Ensure a third occurrence is counted too, by the counter alone.
		{"repeat_again", "api-hook.json", "", "occurrence", ticket.L1, ticket.P3, 3, 1},
		// Ensure a base64 body is decoded and routed by its severity.
		{"base64_critical", "api-hook-base64.json", "", "created", ticket.L2, ticket.P1, 1, 2},
		// Ensure the source resolving its alert resolves the ticket, in one write.
		{"resolve", "api-hook.json", `{"title":"Disk full on db-1","dedup_key":"disk-db-1","action":"resolve"}`, "resolved", ticket.L1, ticket.P3, 3, 1},
	}
	ids := map[string]string{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := lambdatest.Decode[events.APIGatewayV2HTTPRequest](t, lambdatest.Event(t, tc.file))
			if tc.body != "" {
				req = request(t, "POST", req.RawPath, "", req.Headers["authorization"], tc.body)
			}
			a.Counter.Reset()
			a.Capacity.Take()
			got := hookResult(t, a.call(t, req))
			counts := a.Counter.Take()
			wru, rru := a.Capacity.Take()
			if got.Outcome != tc.outcome {
				t.Fatalf("outcome %q, want %q", got.Outcome, tc.outcome)
			}
			if prev, ok := ids[tc.file]; ok && prev != got.TicketID {
				t.Fatalf("ticket %s, want the same ticket %s", got.TicketID, prev)
			}
			ids[tc.file] = got.TicketID
			tk, err := a.Tickets.Get(ctx, got.TicketID)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Tier != tc.tier || tk.Priority != tc.priority || tk.Occurrences != tc.seen {
				t.Fatalf("ticket tier %s priority %s seen %d, want %s %s %d", tk.Tier, tk.Priority, tk.Occurrences, tc.tier, tc.priority, tc.seen)
			}
			if w := writes(counts); w != tc.writes {
				t.Errorf("%d DynamoDB write requests (%s), want %d", w, awstest.Format(counts), tc.writes)
			}
			if counts["DynamoDB.Scan"] != 0 {
				t.Errorf("the api path scanned the table: %s", awstest.Format(counts))
			}
			t.Logf("REPORT api %s: %s (%g WRU, %g RRU)", tc.name, awstest.Format(counts), wru, rru)
		})
	}
}

// writes counts the DynamoDB requests that write.
func writes(counts map[string]int) int {
	n := 0
	for op, c := range counts {
		switch op {
		case "DynamoDB.PutItem", "DynamoDB.UpdateItem", "DynamoDB.DeleteItem", "DynamoDB.TransactWriteItems", "DynamoDB.BatchWriteItem":
			n += c
		}
	}
	return n
}

// request derives a request from the sample hook event.
func request(t *testing.T, method, path, query, auth, body string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	req := lambdatest.Decode[events.APIGatewayV2HTTPRequest](t, lambdatest.Event(t, "api-hook.json"))
	req.RawPath, req.RequestContext.HTTP.Path, req.RequestContext.HTTP.Method = path, path, method
	req.RawQueryString, req.Body = query, body
	req.Headers["authorization"] = auth
	req.Headers["content-length"] = ""
	delete(req.Headers, "content-length")
	return req
}

// Ensure the answers API Gateway relays keep their status, JSON body and
// headers, and that a refused or failed request stores nothing.
func TestErrorsThroughTheAdapter(t *testing.T) {
	const alert = `{"title":"CPU hot","dedup_key":"cpu"}`
	tests := []struct {
		name    string
		req     func(t *testing.T) events.APIGatewayV2HTTPRequest
		fail    bool // the store fails (minidyn's emulated 500s)
		status  int
		code    string
		headers map[string]string
	}{
		// Ensure a wrong token is 401 in JSON.
		{name: "wrong_token", req: func(t *testing.T) events.APIGatewayV2HTTPRequest {
			return request(t, "POST", "/v1/hooks/prometheus", "", "Bearer nope", alert)
		}, status: 401, code: "unauthorized"},
		// Ensure a body that is not JSON is 400.
		{name: "malformed", req: func(t *testing.T) events.APIGatewayV2HTTPRequest {
			return request(t, "POST", "/v1/hooks/prometheus", "", "Bearer replay-token", "{")
		}, status: 400, code: "malformed"},
		// Ensure an unknown route is 404 in JSON, not API Gateway's own answer.
		{name: "no_route", req: func(t *testing.T) events.APIGatewayV2HTTPRequest {
			return request(t, "GET", "/nowhere", "", "", "")
		}, status: 404, code: "not_found"},
		// Ensure a store that fails is 503 with Retry-After, so senders retry.
		{name: "store_down", req: func(t *testing.T) events.APIGatewayV2HTTPRequest {
			return request(t, "POST", "/v1/hooks/prometheus", "", "Bearer replay-token", alert)
		}, fail: true, status: 503, code: "unavailable", headers: map[string]string{"Retry-After": ""}},
		// Ensure the query string reaches the handler (?token= for SNS).
		{name: "token_in_query", req: func(t *testing.T) events.APIGatewayV2HTTPRequest {
			return request(t, "POST", "/v1/hooks/prometheus", "token=wrong", "", alert)
		}, status: 401, code: "unauthorized"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t)
			if tc.fail {
				a.MiniDyn.EmulateFailure(miniserver.FailureConditionInternalServerError)
			}
			resp := a.call(t, tc.req(t))
			a.MiniDyn.EmulateFailure(miniserver.FailureConditionNone)
			var body wire.Error
			if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
				t.Fatalf("body %q is not a JSON error: %v", resp.Body, err)
			}
			if resp.StatusCode != tc.status || body.Error.Code != tc.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", resp.StatusCode, body.Error.Code, tc.status, tc.code, resp.Body)
			}
			if !strings.HasPrefix(resp.Headers["Content-Type"], "application/json") {
				t.Errorf("Content-Type %q, want JSON", resp.Headers["Content-Type"])
			}
			for k := range tc.headers {
				if resp.Headers[k] == "" {
					t.Errorf("header %s missing in %v", k, resp.Headers)
				}
			}
			page, err := a.Tickets.List(ctx, store.Query{})
			if err != nil || len(page.Tickets) != 0 {
				t.Fatalf("tickets stored: %d (%v), want none", len(page.Tickets), err)
			}
		})
	}
}

// Ensure the api function's policies allow every AWS call its routes
// make (an alert, a read, a list by tier and status, an acknowledgement)
// and nothing else.
func TestPoliciesAllowCalls(t *testing.T) {
	a := newAPI(t)
	id := hookResult(t, a.call(t, lambdatest.Decode[events.APIGatewayV2HTTPRequest](t, lambdatest.Event(t, "api-hook.json")))).TicketID
	hookResult(t, a.call(t, lambdatest.Decode[events.APIGatewayV2HTTPRequest](t, lambdatest.Event(t, "api-hook.json"))))
	for _, req := range []events.APIGatewayV2HTTPRequest{
		request(t, "GET", "/v1/tickets/"+id, "", "Bearer replay-key", ""),
		request(t, "GET", "/v1/tickets", "tier=L1&status=open", "Bearer replay-key", ""),
		request(t, "POST", "/v1/tickets/"+id+"/acknowledge", "", "Bearer replay-key", `{"actor":"alice"}`),
	} {
		if resp := a.call(t, req); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", req.RequestContext.HTTP.Method, req.RawPath, resp.StatusCode, resp.Body)
		}
	}
	a.ReadSecrets(t) // the cold start's reads of the config's secrets
	lambdatest.CheckPolicies(t, "ApiFunction", a.Calls.List())
}

// Ensure a form's own page, served by this API at the domain API Gateway
// routed the request by, may post to it without a base_url, and a page
// elsewhere may not, whatever Host header it sends.
func TestFormOwnOrigin(t *testing.T) {
	w := lambdatest.NewWorld(t, "ApiFunction")
	cfg, err := policy.Parse("forms.yaml", []byte(`
forms_secret: "a-forms-secret-of-32-characters-or-more"
forms:
  - {name: it-help, title: IT help, categories: [password]}
`))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h, err := newHandler(&desk.Service{Store: w.Tickets, Config: cfg, Log: log}, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	a := &api{World: w, h: h}
	domain := lambdatest.Decode[events.APIGatewayV2HTTPRequest](t, lambdatest.Event(t, "api-hook.json")).RequestContext.DomainName
	post := func(origin, host, key string) int {
		req := request(t, "POST", "/forms/it-help", "", "", "name=Ann&email=ann%40acme.test&category=password&subject=locked+out&idempotency_key="+key)
		req.Headers = map[string]string{"content-type": "application/x-www-form-urlencoded", "origin": origin, "host": host}
		return a.call(t, req).StatusCode
	}
	if got := post("https://"+domain, domain, "ORIGIN-OWN-PAGE-0001"); got != http.StatusSeeOther {
		t.Errorf("the form's own page: status %d, want %d", got, http.StatusSeeOther)
	}
	if got := post("http://evil.example", "evil.example", "ORIGIN-ELSEWHERE-001"); got != http.StatusForbidden {
		t.Errorf("a page elsewhere: status %d, want %d", got, http.StatusForbidden)
	}
}
