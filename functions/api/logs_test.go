package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/desk"
)

// Ensure a line the api function logs about a request carries the Lambda
// request id, API Gateway's request id and, on a ticket's route, the
// ticket id: what an operator searches the logs by.
func TestLogsCarryRequestIDs(t *testing.T) {
	w := lambdatest.NewWorld(t, "ApiFunction")
	cfg := lambdatest.Config(t)
	var out bytes.Buffer
	log := boot.NewLogger(&out, "INFO", apiRequest)
	h, err := newHandler(&desk.Service{Store: w.Tickets, Config: cfg, Log: log}, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	req := request(t, "GET", "/v1/tickets/"+lambdatest.TicketA, "", "Bearer replay-key", "")
	payload, _ := json.Marshal(req)
	w.MiniDyn.EmulateFailure(miniserver.FailureConditionInternalServerError)
	invocation := lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "8476a536-e9f4-11e8-9739-2dfe598c3fcd"})
	if _, err := lambda.NewHandler(h).Invoke(invocation, payload); err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("log %q is not one JSON line: %v", out.String(), err)
	}
	want := map[string]any{"msg": "dependency unavailable", "request_id": "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
		"api_request_id": req.RequestContext.RequestID, "ticket": lambdatest.TicketA}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log line %s = %v, want %v (line %v)", k, line[k], v, line)
		}
	}
	if req.RequestContext.RequestID == "" {
		t.Fatal("the sample request has no API Gateway request id")
	}
}
