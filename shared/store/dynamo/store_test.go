package dynamo_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/store/storetest"
)

var ctx = context.Background()

const table = "tierline-test"

// Env is a dynamo.Store on a fresh table in an in-process minidyn, with
// the raw client and server for looking behind the store.
type Env struct {
	Store  *dynamo.Store
	Client *dynamodb.Client
	Server *miniserver.Server
}

// MustOpen creates the table from dynamo.TableInput in a new minidyn and
// returns a store on it; optFns configure the store's client.
func MustOpen(tb testing.TB, optFns ...func(*dynamodb.Options)) Env {
	tb.Helper()
	db, srv := awstest.MiniDyn(tb, optFns...)
	if _, err := db.CreateTable(ctx, dynamo.TableInput(table)); err != nil {
		tb.Fatalf("CreateTable: %v", err)
	}
	return Env{Store: dynamo.New(db, table), Client: db, Server: srv}
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return MustOpen(t).Store })
}
