package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tierline/tierline/shared/httpapi"
)

// postFrom posts a valid request to form it-help as a browser on a page of
// origin would, to host (the Host header; "" for the server's own).
func postFrom(tb testing.TB, a *API, origin, host, key string) Response {
	tb.Helper()
	req, err := http.NewRequest("POST", a.URL+"/forms/it-help", strings.NewReader(form(valid(key)...)))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header = browser("application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		tb.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// Ensure tierline's own origin is the configured base URL, never the Host
// a request names: a page on a name that resolves to tierline (DNS
// rebinding) sends that name as both Origin and Host.
func TestFormSubmit_ownOrigin(t *testing.T) {
	t.Parallel()
	withBase := MustOpenAPIWith(t, "base_url: https://tierline.example\n"+formsConfig, httpapi.Options{})
	served := MustOpenForms(t).API // base_url is the server's address, as tierline serve sets it
	noBase := openAPI(t, formsConfig, httpapi.Options{}, false)
	tests := []struct {
		name   string
		api    *API
		origin string // "self": the server's own address
		host   string
		filed  bool
	}{
		// Ensure the base URL's origin may post, whatever the Host (a proxy in front changes it).
		{name: "base_url", api: withBase, origin: "https://tierline.example", filed: true},
		// Ensure an origin that merely matches the Host is refused.
		{name: "rebound_host", api: withBase, origin: "http://evil.example", host: "evil.example"},
		{name: "host_is_not_base", api: withBase, origin: "self"},
		// Ensure tierline serve's own page may post, and a rebound name may not.
		{name: "served_own_page", api: served, origin: "self", filed: true},
		{name: "served_rebound_host", api: served, origin: "http://evil.example:8080", host: "evil.example:8080"},
		// Ensure the loopback address is its own under its other names, and only on its port.
		{name: "served_as_localhost", api: served, origin: "localhost", filed: true},
		{name: "served_as_ipv6_loopback", api: served, origin: "[::1]", filed: true},
		{name: "localhost_other_port", api: served, origin: "http://localhost:1"},
		{name: "localhost_https", api: served, origin: "https://localhost"},
		// Ensure that without a base URL only the form's origins and clients without Origin may post.
		{name: "no_base_own_host", api: noBase, origin: "self"},
		{name: "no_base_rebound_host", api: noBase, origin: "http://evil.example", host: "evil.example"},
		{name: "no_base_listed_origin", api: noBase, origin: intranet, filed: true},
		{name: "no_base_no_origin", api: noBase, filed: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			origin := tt.origin
			switch origin {
			case "self":
				origin = tt.api.URL
			case "localhost", "[::1]":
				origin = strings.Replace(tt.api.URL, "127.0.0.1", origin, 1)
			}
			resp := postFrom(t, tt.api, origin, tt.host, "OWNORIGIN000000000"+string(rune('a'+i)))
			if tt.filed {
				MustFiled(t, resp, false)
				return
			}
			if resp.Status != http.StatusForbidden || !strings.Contains(string(resp.Body), "add the origin") {
				t.Errorf("Status=%v body %s, want 403 saying to add the origin", resp.Status, resp.Body)
			}
		})
	}
}

// Ensure that on Lambda, where the adapter takes the host from API
// Gateway's request context (the domain the request was routed by), that
// domain is the own origin without a base URL, and a Host header the
// client chose is not.
func TestFormSubmit_ownOriginLambda(t *testing.T) {
	t.Parallel()
	a := MustOpenAPIWith(t, formsConfig, httpapi.Options{TrustHost: true})
	lambda := httpadapter.NewV2(a.Handler)
	const domain = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
	post := func(origin, host, key string) int {
		ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "$default", RawPath: "/forms/it-help",
			Headers: map[string]string{"content-type": "application/x-www-form-urlencoded", "origin": origin, "host": host},
			Body:    form(valid(key)...),
			RequestContext: events.APIGatewayV2HTTPRequestContext{DomainName: domain,
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/forms/it-help"}}}
		resp, err := lambda.ProxyWithContext(context.Background(), ev)
		if err != nil {
			t.Fatalf("ProxyWithContext: %v", err)
		}
		return resp.StatusCode
	}
	if got := post("https://"+domain, domain, "LAMBDAORIGIN000000a"); got != http.StatusSeeOther {
		t.Errorf("own page through API Gateway: Status=%v, want %v", got, http.StatusSeeOther)
	}
	if got := post("http://evil.example", "evil.example", "LAMBDAORIGIN000000b"); got != http.StatusForbidden {
		t.Errorf("a Host header of the client's choosing: Status=%v, want %v", got, http.StatusForbidden)
	}
}
