package dynamo_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tierline/tierline/internal/awstest"
)

// Ensure each use case on the api path costs the DynamoDB requests the
// design promises: a repeat that only counts is one UpdateItem and no
// read; any other alert is that UpdateItem, refused (it reads nothing),
// then one write; an action is one write; reads are few (a ticket's
// partition, and its dedup item while it is open, where the count is);
// never a Scan. The table is the report, with the capacity units of each
// step (index writes included, and among them): run
// go test -run TestCost -v ./shared/store/dynamo.
func TestCost(t *testing.T) {
	a := MustOpenAPI(t)
	// Earlier tickets, so that the list pages are real pages.
	for i := range 12 {
		a.MustHook(t, fmt.Sprintf(`{"title":"cpu hot on web-%d","dedup_key":"cpu-web-%d"}`, i, i))
	}
	a.Counter.Reset()
	a.Capacity.Take()

	var id string
	steps := []struct {
		name   string
		do     func(t *testing.T)
		writes int // write requests: PutItem, UpdateItem, TransactWriteItems, …
		reads  int // at most this many read requests
	}{
		{"new alert (hook)", func(t *testing.T) {
			var outcome string
			id, outcome = a.MustHook(t, `{"title":"disk full on db-1","dedup_key":"disk-db-1"}`)
			want(t, outcome, "created")
		}, 2, 1},
		{"repeat, 2nd (hook; adds an occurred event)", func(t *testing.T) {
			_, outcome := a.MustHook(t, `{"title":"disk full on db-1","dedup_key":"disk-db-1"}`)
			want(t, outcome, "occurrence")
		}, 2, 1},
		{"repeat, 3rd (hook; counter only)", func(t *testing.T) {
			_, outcome := a.MustHook(t, `{"title":"disk full on db-1","dedup_key":"disk-db-1"}`)
			want(t, outcome, "occurrence")
		}, 1, 0},
		{"repeat with a new description (hook)", func(t *testing.T) {
			_, outcome := a.MustHook(t, `{"title":"disk full on db-1","dedup_key":"disk-db-1","description":"/var at 98%"}`)
			want(t, outcome, "occurrence")
		}, 2, 2},
		{"get ticket", func(t *testing.T) { wantStatus(t, a.Call(t, "GET", "/v1/tickets/"+id, ""), http.StatusOK) }, 0, 2},
		{"acknowledge", func(t *testing.T) {
			wantStatus(t, a.Call(t, "POST", "/v1/tickets/"+id+"/acknowledge", `{"actor":"alice"}`), http.StatusOK)
		}, 1, 2},
		{"note", func(t *testing.T) {
			wantStatus(t, a.Call(t, "POST", "/v1/tickets/"+id+"/notes", `{"actor":"alice","note":"cleared /tmp"}`), http.StatusOK)
		}, 1, 2},
		{"list page, tier and status (limit 5)", func(t *testing.T) {
			wantStatus(t, a.Call(t, "GET", "/v1/tickets?tier=L1&status=open&limit=5", ""), http.StatusOK)
		}, 0, 3}, // a Query of the incidents' partition and of the problems', one BatchGetItem
		{"list page, problems of a tier and status (limit 5)", func(t *testing.T) {
			wantStatus(t, a.Call(t, "GET", "/v1/tickets?kind=problem&tier=L2&status=open&limit=5", ""), http.StatusOK)
		}, 0, 2},
		{"list page, status only (limit 5)", func(t *testing.T) {
			wantStatus(t, a.Call(t, "GET", "/v1/tickets?status=open&limit=5", ""), http.StatusOK)
		}, 0, 7},
		{"list page, no filter (limit 5)", func(t *testing.T) {
			wantStatus(t, a.Call(t, "GET", "/v1/tickets?limit=5", ""), http.StatusOK)
		}, 0, 19},
		{"resolve (action; frees the dedup key)", func(t *testing.T) {
			wantStatus(t, a.Call(t, "POST", "/v1/tickets/"+id+"/resolve", `{"actor":"alice","resolution":"rotated logs"}`), http.StatusOK)
		}, 1, 2},
		// The key recurred: its two tickets are marked for the metrics'
		// recurring list, a PutItem each.
		{"alert after resolve (hook; new ticket)", func(t *testing.T) {
			_, outcome := a.MustHook(t, `{"title":"disk full on db-1","dedup_key":"disk-db-1"}`)
			want(t, outcome, "created")
		}, 4, 2},
		{"list of 3 alerts, 2 new (hook; journaled)", func(t *testing.T) {
			resp := a.Hook(t, `[{"title":"disk full on db-1","dedup_key":"disk-db-1"},{"title":"a","dedup_key":"list-a"},{"title":"b","dedup_key":"list-b"}]`)
			wantStatus(t, resp, http.StatusAccepted)
		}, 4, 10},
	}
	var report strings.Builder
	fmt.Fprintf(&report, "\n%-44s %6s %5s %5s %5s %5s  %s\n", "operation", "writes", "reads", "WRU", "index", "RRU", "DynamoDB requests")
	all := map[string]int{}
	for _, s := range steps {
		s.do(t)
		counts := a.Counter.Take()
		for op, n := range counts {
			all[op] += n
		}
		w, r := split(counts)
		index := a.Capacity.Index()
		wru, rru := a.Capacity.Take()
		fmt.Fprintf(&report, "%-44s %6d %5d %5g %5g %5g  %s\n", s.name, w, r, wru, index, rru, awstest.Format(counts))
		if w != s.writes || r > s.reads {
			t.Errorf("%s: %d writes and %d reads (%s), want %d writes and at most %d reads", s.name, w, r, awstest.Format(counts), s.writes, s.reads)
		}
	}
	t.Log(report.String())
	t.Logf("all steps: %s", awstest.Format(all))
	for op := range all {
		if strings.HasSuffix(op, ".Scan") {
			t.Errorf("the store called %s", op)
		}
	}
}

// split counts write and read requests.
func split(counts map[string]int) (writes, reads int) {
	for op, n := range counts {
		switch strings.TrimPrefix(op, "DynamoDB.") {
		case "PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem":
			writes += n
		default:
			reads += n
		}
	}
	return writes, reads
}

func want(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("outcome %q, want %q", got, want)
	}
}

func wantStatus(t *testing.T, r Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d %s, want %d", r.Status, r.Body, status)
	}
}
