package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/wire"
)

// apiGateway is the address API Gateway gives the samples' requests.
const apiGateway = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"

// MustEvent reads an API Gateway HTTP API (payload 2.0) sample from
// events/forms, and checks that it is an APIGatewayV2HTTPRequest: decoding
// and encoding it again loses nothing. (aws-lambda-go adds an empty
// requestContext.authentication, which API Gateway sends only with mTLS.)
func MustEvent(tb testing.TB, name string) events.APIGatewayV2HTTPRequest {
	tb.Helper()
	raw := MustReadEvent(tb, name)
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	again, err := json.Marshal(ev)
	if err != nil {
		tb.Fatal(err)
	}
	var want, got any
	json.Unmarshal([]byte(raw), &want)
	json.Unmarshal(again, &got)
	if path, ok := within(want, got, "$"); !ok {
		tb.Fatalf("%s does not round-trip as events.APIGatewayV2HTTPRequest: %s is lost or changed", name, path)
	}
	return ev
}

// within reports whether every member of JSON value want is in got with
// the same value, and if not, the path of the first that is not.
func within(want, got any, path string) (string, bool) {
	w, isObject := want.(map[string]any)
	if !isObject {
		return path, reflect.DeepEqual(want, got)
	}
	g, _ := got.(map[string]any)
	for k, v := range w {
		if p, ok := within(v, g[k], path+"."+k); !ok {
			return p, false
		}
	}
	return "", true
}

// Ensure form posts arrive through API Gateway and Lambda as they do over
// plain HTTP: the handler runs under aws-lambda-go-api-proxy, which
// decodes the base64 body API Gateway makes of a urlencoded form.
func TestFormSubmit_lambda(t *testing.T) {
	t.Parallel()
	a := &FormsAPI{API: MustOpenAPIWith(t, formsConfig, httpapi.Options{TrustHost: true})}
	lambda := httpadapter.NewV2(a.Handler)
	ctx := context.Background()

	urlencoded := MustEvent(t, "apigw-v2-urlencoded.json")
	// Ensure the sample is what API Gateway sends for a form: base64 of the browser's body.
	decoded, err := base64.StdEncoding.DecodeString(urlencoded.Body)
	if !urlencoded.IsBase64Encoded || err != nil || string(decoded) != MustReadEvent(t, "it-help.urlencoded") {
		t.Fatalf("isBase64Encoded=%v, body decodes (%v) to %q, want the urlencoded sample", urlencoded.IsBase64Encoded, err, decoded)
	}
	jsonEvent := MustEvent(t, "apigw-v2-json.json")
	if jsonEvent.IsBase64Encoded {
		t.Fatal("the JSON sample is base64: API Gateway sends application/json as text")
	}

	tests := []struct {
		name   string
		event  events.APIGatewayV2HTTPRequest
		status int
		want   wire.Ticket
	}{
		// Ensure the browser's base64 form post is filed and redirected to its status page on API Gateway.
		{name: "urlencoded_base64", event: urlencoded, status: http.StatusSeeOther, want: janaHardware},
		// Ensure a script's JSON post, sent as text, is answered 201.
		{name: "json_text", event: jsonEvent, status: http.StatusCreated, want: janaNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := lambda.ProxyWithContext(ctx, tt.event)
			if err != nil {
				t.Fatalf("ProxyWithContext: %v", err)
			}
			r := Response{Status: resp.StatusCode, Header: http.Header{}, Body: []byte(resp.Body)}
			for k, v := range resp.MultiValueHeaders {
				r.Header[http.CanonicalHeaderKey(k)] = v
			}
			for k, v := range resp.Headers {
				r.Header.Set(k, v)
			}
			id, link := MustFiled(t, r, tt.status == http.StatusCreated)
			// Ensure the link points at API Gateway, over https, where the requester came from.
			if !strings.HasPrefix(link, apiGateway+"/forms/it-help/status/"+id+"/") {
				t.Errorf("status link %q, want it under %s", link, apiGateway)
			}
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != intranet {
				t.Errorf("Access-Control-Allow-Origin=%q, want %q", got, intranet)
			}
			AssertFormTicket(t, a.MustGet(t, id), tt.want)

			// Ensure the status link works through API Gateway too.
			path := strings.TrimPrefix(link, apiGateway)
			get := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "$default", RawPath: path,
				Headers: map[string]string{"accept": "text/html", "host": "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"},
				RequestContext: events.APIGatewayV2HTTPRequestContext{DomainName: "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path}}}
			page, err := lambda.ProxyWithContext(ctx, get)
			if err != nil || page.StatusCode != http.StatusOK || statusField(page.Body, "ticket") != id {
				t.Errorf("status page: %v, Status=%v, ticket %q, want 200 showing %s", err, page.StatusCode, statusField(page.Body, "ticket"), id)
			}
		})
	}
}
