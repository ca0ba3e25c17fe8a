package dynamo_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure every way DynamoDB can fail reaches callers as a ticket code:
// throttling and server errors, after the SDK's retries, as Unavailable (a
// 503 that senders retry), a refused item size as TooLarge, requests the
// table cannot take as Internal. minidyn emulates only internal errors, so
// a small hand-written endpoint answers the error bodies DynamoDB sends.
func TestErrorsCarryCodes(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		typ      string // __type of the error body
		message  string
		code     ticket.Code
		attempts int // requests the SDK sends: 3 when it retries
	}{
		{"throttled", 400, "ProvisionedThroughputExceededException", "rate exceeded", ticket.Unavailable, 3},
		{"request_limit", 400, "RequestLimitExceeded", "account limit", ticket.Unavailable, 3},
		{"throttling", 400, "ThrottlingException", "slow down", ticket.Unavailable, 3},
		{"internal_error", 500, "InternalServerError", "oops", ticket.Unavailable, 3},
		{"unavailable", 503, "ServiceUnavailable", "down", ticket.Unavailable, 3},
		{"item_too_large", 400, "ValidationException", "Item size has exceeded the maximum allowed size", ticket.TooLarge, 1},
		{"missing_table", 400, "ResourceNotFoundException", "Requested resource not found", ticket.Internal, 1},
		{"access_denied", 400, "AccessDeniedException", "not authorized", ticket.Internal, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				w.WriteHeader(tc.status)
				fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":%q}`, tc.typ, tc.message)
			}))
			defer srv.Close()
			s := dynamo.New(awstest.DynamoClient(srv.URL), table)
			ops := map[string]func() error{
				"Get": func() error { _, err := s.Get(ctx, "0c7g2m4x9k3t1p"); return err },
				"List": func() error {
					_, err := s.List(ctx, store.Query{Tier: ticket.L1, Status: ticket.StatusOpen, Kind: ticket.KindIncident})
					return err
				},
				"Upsert": func() error { _, err := s.Upsert(ctx, "prom", "disk", nil); return err },
			}
			for name, op := range ops {
				hits.Store(0)
				err := op()
				wantCode(t, err, tc.code)
				if int(hits.Load()) != tc.attempts {
					t.Errorf("%s sent %d requests, want %d", name, hits.Load(), tc.attempts)
				}
			}
		})
	}

	// Ensure no answer at all (nothing listening) is Unavailable too.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := dynamo.New(awstest.DynamoClient(url), table).Get(ctx, "0c7g2m4x9k3t1p")
	wantCode(t, err, ticket.Unavailable)
}
