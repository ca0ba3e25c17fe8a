package awstest

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	miniserver "github.com/truora/minidyn/server"
)

// MiniDyn starts an empty in-process minidyn server behind httptest (on
// 127.0.0.1) and returns a real SDK client for it, with optFns applied
// (add a Counter's Middleware to APIOptions, for one). The server is
// returned too, for its failure emulation (EmulateFailure,
// EmulateFailureForTable). Both stop when the test ends.
//
// minidyn has no TTL, ListTables, streams or waiters; see
// shared/research/tooling.md §1.
func MiniDyn(tb testing.TB, optFns ...func(*dynamodb.Options)) (*dynamodb.Client, *miniserver.Server) {
	tb.Helper()
	srv := miniserver.NewServer()
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	return DynamoClient(ts.URL, optFns...), srv
}

// DynamoClient returns a DynamoDB client for a local endpoint, with test
// credentials and the fast Retryer.
func DynamoClient(endpoint string, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  Credentials,
		Retryer:      Retryer(),
	}, optFns...)
}
