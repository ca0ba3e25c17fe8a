package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/httpapi"
)

// Ensure a signed link works behind API Gateway and Lambda as over plain
// HTTP: the confirm page comes back through the payload 2.0 proxy, and
// the browser's post of it, which API Gateway hands over as base64 with
// the API's own Origin, acknowledges the ticket.
func TestActionLink_lambda(t *testing.T) {
	t.Parallel()
	a := &ActionAPI{API: MustOpenAPIWith(t, actionConfig, httpapi.Options{TrustHost: true})}
	a.ID = a.MustCreate(t, "disk full on db-1")
	lambda := httpadapter.NewV2(a.Handler)
	const host = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
	link := a.Link(t, actionlink.Acknowledge, 1)
	event := func(method string, headers map[string]string, body string) events.APIGatewayV2HTTPRequest {
		h := map[string]string{"host": host, "x-forwarded-proto": "https", "accept": "text/html"}
		for k, v := range headers {
			h[k] = v
		}
		return events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "$default", RawPath: link, Headers: h,
			RequestContext: events.APIGatewayV2HTTPRequestContext{DomainName: host, Stage: "$default",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: link, Protocol: "HTTP/1.1", SourceIP: "203.0.113.45"}},
			Body: base64.StdEncoding.EncodeToString([]byte(body)), IsBase64Encoded: body != ""}
	}
	do := func(ev events.APIGatewayV2HTTPRequest) Response {
		resp, err := lambda.ProxyWithContext(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		r := Response{Status: resp.StatusCode, Header: http.Header{}, Body: []byte(resp.Body)}
		for k, v := range resp.MultiValueHeaders {
			r.Header[http.CanonicalHeaderKey(k)] = v
		}
		for k, v := range resp.Headers {
			r.Header.Set(k, v)
		}
		return r
	}
	page := do(event("GET", nil, ""))
	AssertPage(t, page, http.StatusOK, "Acknowledge this ticket?", `action="https://`+host+link+`"`)
	form := url.Values{"csrf": {MustCSRF(t, page)}, "name": {"bob"}}.Encode()
	done := do(event("POST", map[string]string{"content-type": "application/x-www-form-urlencoded", "origin": "https://" + host,
		"sec-fetch-site": "same-origin"}, form))
	AssertPage(t, done, http.StatusOK, "Acknowledged: it is yours", "link:L1/oncall-slack (as bob)")
	if tk := a.MustGet(t, a.ID); tk.Status != "acknowledged" || tk.Assignee != "bob" {
		t.Errorf("ticket %s assigned %q, want acknowledged by bob", tk.Status, tk.Assignee)
	}
	forged := do(event("POST", map[string]string{"content-type": "application/x-www-form-urlencoded", "origin": "https://evil.example"}, form))
	AssertPage(t, forged, http.StatusForbidden, "Another site")
}
