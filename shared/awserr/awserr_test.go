package awserr_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tierline/tierline/shared/awserr"
)

func TestTransient(t *testing.T) {
	status := func(code int, err error) error {
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: err}}
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		// Ensure no answer in time is worth retrying.
		{"deadline", fmt.Errorf("put: %w", context.DeadlineExceeded), true},
		// Ensure a connection that failed is worth retrying.
		{"no_answer", errors.New("dial tcp: connection refused"), true},
		// Ensure a server fault is worth retrying.
		{"server_fault", &smithy.GenericAPIError{Code: "InternalError", Fault: smithy.FaultServer}, true},
		// Ensure a 5xx is worth retrying whatever its code.
		{"http_503", status(503, &smithy.GenericAPIError{Code: "Odd"}), true},
		// Ensure the service's throttling codes are worth retrying.
		{"throttled", &smithy.GenericAPIError{Code: "ThrottlingException"}, true},
		// Ensure a refused request is not.
		{"validation", status(400, &smithy.GenericAPIError{Code: "ValidationException"}), false},
		// Ensure a missing resource is not.
		{"missing", &smithy.GenericAPIError{Code: "QueueDoesNotExist"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := awserr.Transient(tc.err, "ThrottlingException"); got != tc.want {
				t.Fatalf("Transient(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
