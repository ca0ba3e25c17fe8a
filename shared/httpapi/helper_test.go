package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/store/sqlite"
	"github.com/tierline/tierline/shared/wire"
)

// Credentials of testConfig.
const (
	hookToken = "hook-token-1"
	apiKey    = "ops-key-1"
	otherKey  = "alice-key-1"
)

// testConfig has one generic integration and two api keys, all with plain
// secrets, sends critical alerts to L2 as P1, and gives the default policy
// distinct deadlines per tier so that answers show which tier set them.
const testConfig = `
integrations:
  - {name: monitor, kind: generic, token: "` + hookToken + `"}
routes:
  - {match: {severity: critical}, tier: L2, priority: P1}
policies:
  default:
    L1: {acknowledge: 15m, resolve: 4h}
    L2: {acknowledge: 30m, resolve: 8h}
    L3: {acknowledge: 1h, resolve: 24h, repeat: 3}
api_keys:
  - {name: ops, key: "` + apiKey + `"}
  - {name: alice, key: "` + otherKey + `"}
`

// start is the controlled clock's first reading.
var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// Clock is a controlled clock: it moves only when a test says so.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// API is the real stack behind a real HTTP server: httpapi on a desk on
// the SQLite store in a temporary file.
type API struct {
	URL     string
	DB      *localdb.DB
	Clock   *Clock
	Handler http.Handler // the server itself, for tests that drive it without HTTP (Lambda)
}

// MustOpenAPI starts an API on a fresh database; it is closed when the
// test ends.
func MustOpenAPI(tb testing.TB) *API {
	tb.Helper()
	return MustOpenAPIWith(tb, testConfig, httpapi.Options{})
}

// MustOpenAPIWith is MustOpenAPI with another config and server options.
// A config without base_url gets the server's URL as its base URL, as
// tierline serve gives it the address it listens on, unless the server
// trusts the request's host (opts.TrustHost, as on Lambda).
func MustOpenAPIWith(tb testing.TB, config string, opts httpapi.Options) *API {
	tb.Helper()
	return openAPI(tb, config, opts, !opts.TrustHost)
}

// openAPI is MustOpenAPIWith; base says whether a config without base_url
// gets the server's URL.
func openAPI(tb testing.TB, config string, opts httpapi.Options, base bool) *API {
	tb.Helper()
	db, err := localdb.Open(filepath.Join(tb.TempDir(), "tierline.db"))
	if err != nil {
		tb.Fatalf("localdb.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	st, err := sqlite.New(context.Background(), db)
	if err != nil {
		tb.Fatalf("sqlite.New: %v", err)
	}
	cfg, err := policy.Parse("test.yaml", []byte(config))
	if err != nil {
		tb.Fatalf("policy.Parse: %v", err)
	}
	ts := httptest.NewUnstartedServer(nil)
	url := "http://" + ts.Listener.Addr().String()
	if base && cfg.BaseURL == "" {
		cfg.BaseURL = url
	}
	clock := &Clock{now: start}
	log := slog.New(slog.DiscardHandler)
	d := &desk.Service{Store: st, Config: cfg, Now: clock.Now, Log: log}
	opts.Log = log
	server, err := httpapi.New(d, cfg, opts)
	if err != nil {
		tb.Fatalf("httpapi.New: %v", err)
	}
	ts.Config.Handler = server
	ts.Start()
	tb.Cleanup(ts.Close) // runs before db.Close
	return &API{URL: url, DB: db, Clock: clock, Handler: server}
}

// Response is an answer with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Request is what a test sends; zero fields are left out.
type Request struct {
	Method      string
	Path        string // with the query
	Auth        string // the Authorization header
	ContentType string
	Body        io.Reader
	Length      int64 // Content-Length when Body is set; -1 sends it chunked
}

// Do sends r and reads the answer.
func (a *API) Do(tb testing.TB, r Request) Response {
	tb.Helper()
	req, err := http.NewRequest(r.Method, a.URL+r.Path, r.Body)
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	if r.Body != nil && r.Length != 0 {
		req.ContentLength = r.Length
		if r.Length < 0 {
			req.TransferEncoding = []string{"chunked"}
		}
	}
	if r.Auth != "" {
		req.Header.Set("Authorization", r.Auth)
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", r.Method, r.Path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// Hook posts a JSON body to the generic integration with its token.
func (a *API) Hook(tb testing.TB, body string) Response {
	tb.Helper()
	return a.Do(tb, Request{Method: "POST", Path: "/v1/hooks/monitor", Auth: "Bearer " + hookToken,
		ContentType: "application/json", Body: strings.NewReader(body)})
}

// Call calls the ticket API with the ops api key, and a JSON body unless
// body is empty.
func (a *API) Call(tb testing.TB, method, path, body string) Response {
	tb.Helper()
	r := Request{Method: method, Path: path, Auth: "Bearer " + apiKey}
	if body != "" {
		r.ContentType, r.Body = "application/json", strings.NewReader(body)
	}
	return a.Do(tb, r)
}

// MustHook posts body and returns the results of the 202 answer. The clock
// moves a second first, so that each hook's tickets are newer than the
// last's.
func (a *API) MustHook(tb testing.TB, body string) []wire.HookResult {
	tb.Helper()
	a.Clock.Add(time.Second)
	resp := a.Hook(tb, body)
	if resp.Status != http.StatusAccepted {
		tb.Fatalf("hook %s: Status=%v, want %v; body %s", body, resp.Status, http.StatusAccepted, resp.Body)
	}
	var out wire.HookResponse
	MustDecode(tb, resp, &out)
	return out.Results
}

// MustCreate opens a ticket through the hook and returns its ID.
func (a *API) MustCreate(tb testing.TB, title string) string {
	tb.Helper()
	body, _ := json.Marshal(map[string]string{"title": title, "dedup_key": title})
	res := a.MustHook(tb, string(body))
	if len(res) != 1 || res[0].Outcome != "created" {
		tb.Fatalf("hook %s: results %+v, want one created", body, res)
	}
	return res[0].TicketID
}

// MustAct calls an action on a ticket and returns the ticket of the 200
// answer.
func (a *API) MustAct(tb testing.TB, id, action, body string) wire.Ticket {
	tb.Helper()
	resp := a.Call(tb, "POST", "/v1/tickets/"+id+"/"+action, body)
	if resp.Status != http.StatusOK {
		tb.Fatalf("%s %s %s: Status=%v, want %v; body %s", action, id, body, resp.Status, http.StatusOK, resp.Body)
	}
	var t wire.Ticket
	MustDecode(tb, resp, &t)
	return t
}

// MustGet reads a ticket through the API.
func (a *API) MustGet(tb testing.TB, id string) wire.Ticket {
	tb.Helper()
	resp := a.Call(tb, "GET", "/v1/tickets/"+id, "")
	if resp.Status != http.StatusOK {
		tb.Fatalf("get %s: Status=%v, want %v; body %s", id, resp.Status, http.StatusOK, resp.Body)
	}
	var t wire.Ticket
	MustDecode(tb, resp, &t)
	return t
}

// MustList follows the cursor from path (a list URL) to the last page and
// returns every ticket, in the order the pages gave them.
func (a *API) MustList(tb testing.TB, path string) []wire.Ticket {
	tb.Helper()
	var all []wire.Ticket
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for cursor, pages := "", 0; ; pages++ {
		if pages > 100 {
			tb.Fatalf("list %s: more than 100 pages; the cursor does not advance", path)
		}
		p := path
		if cursor != "" {
			p += sep + "cursor=" + cursor
		}
		resp := a.Call(tb, "GET", p, "")
		if resp.Status != http.StatusOK {
			tb.Fatalf("list %s: Status=%v, want %v; body %s", p, resp.Status, http.StatusOK, resp.Body)
		}
		var page wire.List
		MustDecode(tb, resp, &page)
		all = append(all, page.Tickets...)
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}

// Snapshot is every stored ticket's version, by ID.
type Snapshot map[string]int

// MustSnapshot lists every ticket through the API.
func (a *API) MustSnapshot(tb testing.TB) Snapshot {
	tb.Helper()
	s := Snapshot{}
	for _, t := range a.MustList(tb, "/v1/tickets?limit=500") {
		s[t.ID] = t.Version
	}
	return s
}

// AssertUnchanged fails unless the stored tickets are those of before,
// each at the same version: bad input stores nothing.
func (a *API) AssertUnchanged(tb testing.TB, before Snapshot) {
	tb.Helper()
	after := a.MustSnapshot(tb)
	if len(after) != len(before) {
		tb.Errorf("%d tickets stored, want %d: bad input stored something", len(after), len(before))
	}
	if !maps.Equal(after, before) {
		tb.Errorf("ticket versions %v, want %v: bad input changed a ticket", after, before)
	}
}

// MustDecode decodes a JSON answer into v, checking its content type.
func MustDecode(tb testing.TB, r Response, v any) {
	tb.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type=%q, want application/json", ct)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// AssertError checks an error answer: its status, the JSON shape
// {"error": {"code", "message"}} with code, and a message that says each
// of the words in msg (what to fix).
func AssertError(tb testing.TB, r Response, status int, code string, msg ...string) {
	tb.Helper()
	if r.Status != status {
		tb.Errorf("Status=%v, want %v; body %s", r.Status, status, r.Body)
	}
	var shape map[string]map[string]string
	if err := json.Unmarshal(r.Body, &shape); err != nil || len(shape) != 1 || len(shape["error"]) != 2 {
		tb.Fatalf("body %s, want exactly {\"error\": {\"code\", \"message\"}} (err: %v)", r.Body, err)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type=%q, want application/json", ct)
	}
	e := shape["error"]
	if e["code"] != code {
		tb.Errorf("code=%q, want %q; message %q", e["code"], code, e["message"])
	}
	if e["message"] == "" {
		tb.Error("the message is empty")
	}
	for _, m := range msg {
		if !strings.Contains(e["message"], m) {
			tb.Errorf("message %q does not say %q", e["message"], m)
		}
	}
}

// AssertUnavailable checks a 503 answer: Retry-After, so that senders
// retry, and a body that says no more than that the store is unavailable:
// none of the words in leaks.
func AssertUnavailable(tb testing.TB, r Response, leaks ...string) {
	tb.Helper()
	AssertError(tb, r, http.StatusServiceUnavailable, "unavailable", "unavailable")
	if ra := r.Header.Get("Retry-After"); ra == "" {
		tb.Error("no Retry-After header on 503")
	} else if n, err := strconv.Atoi(ra); err != nil || n <= 0 {
		tb.Errorf("Retry-After=%q, want a positive number of seconds", ra)
	}
	for _, leak := range append(leaks, "sql", "localdb") {
		if strings.Contains(string(r.Body), leak) {
			tb.Errorf("body %s leaks %q", r.Body, leak)
		}
	}
}
