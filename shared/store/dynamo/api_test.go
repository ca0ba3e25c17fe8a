package dynamo_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/store/dynamo"
)

// Credentials of apiConfig.
const (
	hookToken = "hook-token-1"
	apiKey    = "ops-key-1"
)

const apiConfig = `
integrations:
  - {name: monitor, kind: generic, token: "` + hookToken + `"}
routes:
  - {match: {severity: critical}, tier: L2, priority: P1}
policies:
  default:
    L1: {acknowledge: 15m, resolve: 4h}
    L2: {acknowledge: 30m, resolve: 8h}
    L3: {acknowledge: 1h, resolve: 24h}
api_keys:
  - {name: ops, key: "` + apiKey + `"}
`

// API is the api function's stack in a test: httpapi on a desk on the
// dynamo store, its client counted by Counter, in front of an in-process
// minidyn whose writes can be made to fail (FailWrites). Raw is a second,
// uncounted client for looking at the table behind the store's back.
type API struct {
	URL      string
	Store    *dynamo.Store
	Desk     *desk.Service
	Counter  *awstest.Counter
	Capacity *awstest.Capacity
	Server   *miniserver.Server
	Raw      *dynamodb.Client
	gate     *writeGate
}

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// MustOpenAPI starts an API on a fresh table.
func MustOpenAPI(tb testing.TB) *API { tb.Helper(); return MustOpenAPIWith(tb, apiOptions{}) }

// apiOptions change the stack of MustOpenAPIWith.
type apiOptions struct {
	store func(store.Store) store.Store       // wraps the store the desk uses
	table func(in *dynamodb.CreateTableInput) // changes the table before it is created
}

// MustOpenAPIWith starts an API on a fresh table, changed by o.
func MustOpenAPIWith(tb testing.TB, o apiOptions) *API {
	tb.Helper()
	srv := miniserver.NewServer()
	gate := &writeGate{next: srv, srv: srv}
	ddb := httptest.NewServer(gate)
	tb.Cleanup(ddb.Close)
	counter := &awstest.Counter{}
	capacity := &awstest.Capacity{}
	client := awstest.DynamoClient(ddb.URL, func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, counter.Middleware(), capacity.Middleware())
	})
	raw := awstest.DynamoClient(ddb.URL)
	in := dynamo.TableInput(table)
	if o.table != nil {
		o.table(in)
	}
	capacity.Table = in
	if _, err := raw.CreateTable(ctx, in); err != nil {
		tb.Fatalf("CreateTable: %v", err)
	}
	cfg, err := policy.Parse("test.yaml", []byte(apiConfig))
	if err != nil {
		tb.Fatalf("policy.Parse: %v", err)
	}
	st := dynamo.New(client, table)
	var tick atomic.Int64
	now := func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Millisecond) }
	log := slog.New(slog.DiscardHandler)
	var deskStore store.Store = st
	if o.store != nil {
		deskStore = o.store(st)
	}
	d := &desk.Service{Store: deskStore, Config: cfg, Now: now, Log: log}
	h, err := httpapi.New(d, cfg, httpapi.Options{Log: log})
	if err != nil {
		tb.Fatalf("httpapi.New: %v", err)
	}
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	return &API{URL: ts.URL, Store: st, Desk: d, Counter: counter, Capacity: capacity, Server: srv, Raw: raw, gate: gate}
}

// FailWrites makes minidyn answer every write (PutItem, UpdateItem,
// TransactWriteItems, …) with an internal server error, retries included,
// while reads keep working: a failure at the worst moment, after the
// store read what it needed.
func (a *API) FailWrites(on bool) { a.gate.failWrites.Store(on) }

// FailWritesAfter lets the next n write requests through and fails every
// write after them: a request that fails part-way. Negative n lifts it.
func (a *API) FailWritesAfter(n int) {
	if n < 0 {
		// A request the client gave up on (its context cancelled) may
		// still be under way in minidyn, as in DynamoDB: let it land.
		a.gate.quiesce()
	}
	a.gate.writesLeft.Store(int64(n))
	a.gate.limited.Store(n >= 0)
}

// SetLatency delays every request to minidyn by d: DynamoDB's round trip,
// so that concurrent requests overlap as they would on AWS.
func (a *API) SetLatency(d time.Duration) { a.gate.latency.Store(int64(d)) }

// writeGate sits in front of minidyn and switches its failure emulation on
// for the duration of each write request while failWrites is set, or,
// while limited, once writesLeft ran out; it delays each request by
// latency.
type writeGate struct {
	next       http.Handler
	srv        *miniserver.Server
	failWrites atomic.Bool
	limited    atomic.Bool
	writesLeft atomic.Int64
	latency    atomic.Int64
	mu         sync.Mutex
	busy       sync.RWMutex // read-held by each request under way
}

var writes = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true,
	"TransactWriteItems": true, "BatchWriteItem": true}

// quiesce waits until no request is under way.
func (g *writeGate) quiesce() {
	g.busy.Lock()
	defer g.busy.Unlock() // taken only to wait for the readers
}

func (g *writeGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.busy.RLock()
	defer g.busy.RUnlock()
	target := r.Header.Get("X-Amz-Target")
	op := target[strings.LastIndexByte(target, '.')+1:]
	if d := time.Duration(g.latency.Load()); d > 0 {
		time.Sleep(d)
	}
	if !g.failWrites.Load() && !g.limited.Load() {
		g.next.ServeHTTP(w, r)
		return
	}
	// minidyn's failure emulation is one switch for the whole server:
	// while it may be on, requests take turns.
	g.mu.Lock()
	defer g.mu.Unlock()
	fail := g.failWrites.Load() || writes[op] && g.limited.Load() && g.writesLeft.Add(-1) < 0
	if !fail || !writes[op] {
		g.next.ServeHTTP(w, r)
		return
	}
	g.srv.EmulateFailure(miniserver.FailureConditionInternalServerError)
	defer g.srv.EmulateFailure(miniserver.FailureConditionNone)
	g.next.ServeHTTP(w, r)
}

// Response is an answer with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends a request with a bearer token and, unless body is empty, a
// JSON body.
func (a *API) Do(tb testing.TB, method, path, token, body string) Response {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Hook posts an alert of the generic integration.
func (a *API) Hook(tb testing.TB, body string) Response {
	tb.Helper()
	return a.Do(tb, "POST", "/v1/hooks/monitor", hookToken, body)
}

// Call calls the ticket API with the api key.
func (a *API) Call(tb testing.TB, method, path, body string) Response {
	tb.Helper()
	return a.Do(tb, method, path, apiKey, body)
}

// MustHook posts an alert that must be accepted and returns its ticket ID
// and outcome.
func (a *API) MustHook(tb testing.TB, body string) (id, outcome string) {
	tb.Helper()
	resp := a.Hook(tb, body)
	var out struct {
		Results []struct {
			TicketID string `json:"ticket_id"`
			Outcome  string `json:"outcome"`
		} `json:"results"`
	}
	if resp.Status != http.StatusAccepted || json.Unmarshal([]byte(resp.Body), &out) != nil || len(out.Results) != 1 {
		tb.Fatalf("hook %s: %d %s, want 202 with one result", body, resp.Status, resp.Body)
	}
	return out.Results[0].TicketID, out.Results[0].Outcome
}

// Items returns every item of the table, read with Scan through the raw
// client: the test looks at the whole table, which the store never does.
func (a *API) Items(tb testing.TB) []map[string]types.AttributeValue {
	tb.Helper()
	var all []map[string]types.AttributeValue
	in := &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)}
	for {
		out, err := a.Raw.Scan(ctx, in)
		if err != nil {
			tb.Fatalf("Scan: %v", err)
		}
		all = append(all, out.Items...)
		if out.LastEvaluatedKey == nil {
			return all
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// Keys lists the pk/sk of items, for messages and comparisons.
func Keys(items []map[string]types.AttributeValue) []string {
	var out []string
	for _, it := range items {
		pk, _ := it["pk"].(*types.AttributeValueMemberS)
		sk, _ := it["sk"].(*types.AttributeValueMemberS)
		if pk != nil && sk != nil {
			out = append(out, pk.Value+" "+sk.Value)
		}
	}
	return out
}

// sameItems reports whether two reads of the table hold equal items, in
// the same order (both come from Scan of the same table).
func sameItems(a, b []map[string]types.AttributeValue) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		ja, _ := json.Marshal(plain(a[i]))
		jb, _ := json.Marshal(plain(b[i]))
		if string(ja) != string(jb) {
			return false
		}
	}
	return true
}

// plain turns an item into JSON-able values for comparison.
func plain(it map[string]types.AttributeValue) map[string]any {
	out := map[string]any{}
	for k, v := range it {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v types.AttributeValue) any {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return "S:" + v.Value
	case *types.AttributeValueMemberN:
		return "N:" + v.Value
	case *types.AttributeValueMemberM:
		return plain(v.Value)
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = plainValue(e)
		}
		return l
	}
	return v
}
