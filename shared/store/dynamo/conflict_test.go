package dynamo_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure a write that meets a transaction on its item
// (TransactionConflictException, which the SDK does not retry) is a race
// the store runs again, not a 503: the first writes of each kind are
// answered with the conflict, the next ones reach minidyn.
func TestTransactionConflictIsRetried(t *testing.T) {
	mini := miniserver.NewServer()
	var conflicts atomic.Int32 // conflicts still to answer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		if op := target[strings.LastIndexByte(target, '.')+1:]; (op == "PutItem" || op == "UpdateItem") && conflicts.Add(-1) >= 0 {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionConflictException","message":"Transaction is ongoing for the item"}`)
			return
		}
		mini.ServeHTTP(w, r)
	}))
	defer srv.Close()
	db := awstest.DynamoClient(srv.URL)
	if _, err := db.CreateTable(ctx, dynamo.TableInput(table)); err != nil {
		t.Fatal(err)
	}
	s := dynamo.New(db, table)
	tk := trigger(t, s, "disk", start)

	conflicts.Store(2)
	if _, err := s.Update(ctx, tk.ID, func(t *ticket.Ticket) error { t.Revise(ticket.Signal{Title: "disk full on db-1"}, start); return nil }); err != nil {
		t.Fatalf("Update through two conflicts: %v", err)
	}
	conflicts.Store(2)
	if _, n, ok, err := s.Count(ctx, "prom", "disk", store.Repeat{At: start.Add(time.Minute)}); err != nil || !ok || n != 2 {
		t.Fatalf("Count through two conflicts = %d, ok %v, %v; want 2, ok", n, ok, err)
	}
	if left := conflicts.Load(); left > 0 {
		t.Fatalf("%d conflicts never answered: the writes did not meet them", left)
	}
}
