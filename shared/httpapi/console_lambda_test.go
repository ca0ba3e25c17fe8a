package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tierline/tierline/shared/httpapi"
)

// Ensure the console works behind API Gateway and Lambda as over plain
// HTTP: signing in through the payload 2.0 proxy sets a Secure cookie
// (the request came over https) that API Gateway hands back in the
// event's cookies, and the ticket page's form, posted base64 with the
// API's own Origin, acknowledges the ticket as the key.
func TestConsole_lambda(t *testing.T) {
	a := MustOpenAPIWith(t, consoleConfig, httpapi.Options{TrustHost: true})
	id := a.MustCreate(t, "disk full on db-1")
	lambda := httpadapter.NewV2(a.Handler)
	const host = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
	var cookies []string
	do := func(method, path, body string) Page {
		h := map[string]string{"host": host, "x-forwarded-proto": "https", "accept": "text/html"}
		if method == "POST" {
			h["content-type"], h["origin"], h["sec-fetch-site"] = "application/x-www-form-urlencoded", "https://"+host, "same-origin"
		}
		ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "$default", RawPath: path, Headers: h, Cookies: cookies,
			RequestContext: events.APIGatewayV2HTTPRequestContext{DomainName: host, Stage: "$default",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.45"}},
			Body: base64.StdEncoding.EncodeToString([]byte(body)), IsBase64Encoded: body != ""}
		resp, err := lambda.ProxyWithContext(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		p := Page{Status: resp.StatusCode, Header: http.Header{}, Body: resp.Body}
		for k, v := range resp.Headers {
			p.Header.Set(k, v)
		}
		for _, c := range resp.Cookies {
			p.Header.Add("Set-Cookie", c)
		}
		return p
	}

	login := do("POST", "/console/login", url.Values{"key": {apiKey}}.Encode())
	c := sessionCookie(t, login)
	if login.Status != http.StatusSeeOther || login.Location() != "https://"+host+"/console/queue/L1" || !c.Secure || !c.HttpOnly {
		t.Fatalf("sign in: %d to %q, cookie %+v; want 303 to the https queue and a Secure, HttpOnly cookie", login.Status, login.Location(), c)
	}
	cookies = []string{c.Name + "=" + c.Value}
	page := do("GET", "/console/tickets/"+id, "")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `action="https://`+host+`/console/tickets/`+id+`/acknowledge"`) {
		t.Fatalf("ticket page: %d %s", page.Status, page.Body)
	}
	csrf := consoleCSRFField.FindStringSubmatch(page.Body)[1]
	done := do("POST", "/console/tickets/"+id+"/acknowledge", url.Values{"csrf": {csrf}}.Encode())
	if done.Status != http.StatusSeeOther || done.Location() != "https://"+host+"/console/tickets/"+id+"?done=acknowledge" {
		t.Errorf("acknowledge: %d to %q", done.Status, done.Location())
	}
	if tk := a.MustGet(t, id); tk.Status != "acknowledged" || lastEvent(tk).Actor != "ops" {
		t.Errorf("ticket %s, last event by %q; want acknowledged by ops", tk.Status, lastEvent(tk).Actor)
	}
}
