package lambdatest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/store/dynamo"
)

// World is the local stand-ins of AWS a handler test wires its adapters
// to: the tickets table in an in-process minidyn, named as the template
// names it for the function, with every client counting its requests
// (Counter) and recording the permissions they need (Calls).
type World struct {
	Function string            // the template's logical ID of the function
	Env      map[string]string // its environment per the template, in sam's fake account
	Counter  awstest.Counter
	Calls    Calls
	Capacity awstest.Capacity
	Dynamo   *dynamodb.Client
	MiniDyn  *miniserver.Server
	Tickets  *dynamo.Store
	// DynamoURL is minidyn's endpoint, for a bootstrap's
	// AWS_ENDPOINT_URL_DYNAMODB.
	DynamoURL string
}

// NewWorld creates the tickets table (dynamo.TableInput, named by the
// function's TABLE_NAME) in a fresh minidyn.
func NewWorld(tb testing.TB, function string) *World {
	tb.Helper()
	w := &World{Function: function, Env: Env(tb, function)}
	table := w.Env["TABLE_NAME"]
	if table == "" {
		tb.Fatalf("template.yaml gives %s no TABLE_NAME", function)
	}
	w.MiniDyn = miniserver.NewServer()
	ts := httptest.NewServer(w.MiniDyn)
	tb.Cleanup(ts.Close)
	w.DynamoURL = ts.URL
	w.Capacity.Table = dynamo.TableInput(table)
	w.Dynamo = awstest.DynamoClient(ts.URL, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, w.APIOptions()...) })
	if _, err := w.Dynamo.CreateTable(context.Background(), dynamo.TableInput(table)); err != nil {
		tb.Fatalf("CreateTable: %v", err)
	}
	w.Calls.Reset()
	w.Counter.Reset()
	w.Capacity.Take()
	w.Tickets = dynamo.New(w.Dynamo, table)
	return w
}

// APIOptions are the middlewares to add to every SDK client of the world.
func (w *World) APIOptions() []func(*middleware.Stack) error {
	return []func(*middleware.Stack) error{w.Counter.Middleware(), w.Calls.Middleware(), w.Capacity.Middleware()}
}

// Reset forgets the calls recorded so far (table set-up, say).
func (c *Calls) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = nil
}
