package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/policy"
)

// handler is the function's handler: an API Gateway HTTP API request
// (payload format 2.0) in, its response out.
type handler func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// newHandler serves every route of the HTTP API with the same http.Handler
// as the local runtime (shared/httpapi), through aws-lambda-go-api-proxy:
// it turns the event into an *http.Request (raw path and query, base64
// bodies decoded, API Gateway's request context kept) and the buffered
// response into the event's answer. The request's host is the domain API
// Gateway routed it by (the adapter takes it from the request context),
// so it names this API: without a base_url it is the forms' own origin
// (httpapi.Options.TrustHost). The only I/O of a request is the
// store write the route makes.
func newHandler(d *desk.Service, cfg *policy.Config, log *slog.Logger) (handler, error) {
	api, err := httpapi.New(d, cfg, httpapi.Options{Log: log, TrustHost: true})
	if err != nil {
		return nil, err
	}
	return httpadapter.NewV2(api).ProxyWithContext, nil
}

// apiRequest is API Gateway's id of the request a log line is about (the
// $context.requestId of its access log), which the adapter keeps in the
// request's context, and the client's address.
func apiRequest(ctx context.Context) []slog.Attr {
	gw, ok := core.GetAPIGatewayV2ContextFromContext(ctx)
	if !ok || gw.RequestID == "" {
		return nil
	}
	return []slog.Attr{slog.String("api_request_id", gw.RequestID), slog.String("source_ip", gw.HTTP.SourceIP)}
}
