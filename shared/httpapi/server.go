// Package httpapi is tierline's HTTP interface: one http.Handler for every
// route, the same locally (net/http) and on Lambda (through the API Gateway
// proxy adapter). It authenticates, decodes, calls the desk, and answers in
// the JSON of package wire, mapping error codes to statuses in one table.
package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/policy"
)

// DefaultMaxBody is the body cap: 1 MiB, well under Lambda's 6 MB event
// limit even after base64.
const DefaultMaxBody = 1 << 20

// Server serves the API.
type Server struct {
	desk      *desk.Service
	config    *policy.Config
	log       *slog.Logger
	maxBody   int64
	mux       *http.ServeMux
	now       func() time.Time
	options   map[string]intake.Options // of each integration, by name
	trustHost bool
	methods   map[string][]string // of each path, for 405's Allow
	links     *actionlink.Signer  // opens the signed links of hand-offs
	ingested  func(integration string, results []desk.Result, err error)
}

// Options tune a Server.
type Options struct {
	MaxBody int64        // default DefaultMaxBody
	Log     *slog.Logger // default slog.Default()

	// The SNS decoder's network: how it fetches signing certificates and
	// confirms subscriptions. Default intake.FetchHTTP; tests give their own.
	SNSCert    intake.Fetcher
	SNSConfirm intake.Fetcher

	// Now is the clock signed timestamps are checked against; default the
	// desk's clock, else time.Now.
	Now func() time.Time

	// TrustHost says that a request's host names this tierline because
	// what is in front of it routes by host and sets it (API Gateway, whose
	// domain name the Lambda adapter puts there), not a client's Host
	// header (net/http). Only then, and only without a base_url in the
	// config, is the request's host taken for tierline's own origin and
	// the start of its links: a browser lured to a rebound DNS name sends
	// that name as both Host and Origin.
	TrustHost bool

	// Metrics, if set, serves GET /metrics (tierline serve's Prometheus
	// registry, guarded by its caller); Ingested, if set, is told what
	// each request to an ingest route of a configured integration became.
	Metrics  http.Handler
	Ingested func(integration string, results []desk.Result, err error)
}

// New returns the API for a desk and its config. It fails if an integration
// names a kind no decoder speaks.
func New(d *desk.Service, cfg *policy.Config, opts Options) (*Server, error) {
	for _, in := range cfg.Integrations {
		if _, ok := intake.Lookup(in.Kind); !ok {
			return nil, fmt.Errorf("httpapi: integration %q has kind %q, which has no decoder", in.Name, in.Kind)
		}
	}
	if len(cfg.Forms) > 0 && !cfg.FormsSecret.IsSet() {
		return nil, fmt.Errorf("httpapi: forms need a forms secret to sign their status links")
	}
	s := &Server{desk: d, config: cfg, log: opts.Log, maxBody: opts.MaxBody, mux: http.NewServeMux(),
		now: opts.Now, options: integrationOptions(cfg, opts), methods: map[string][]string{}, trustHost: opts.TrustHost,
		links: actionlink.New(cfg.ActionLinks.Secret, cfg.ActionLinks.Expire)}
	s.ingested = opts.Ingested
	if s.ingested == nil {
		s.ingested = func(string, []desk.Result, error) {}
	}
	if opts.Metrics != nil {
		s.handle("GET /metrics", opts.Metrics.ServeHTTP)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.now == nil {
		s.now = d.Now
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// routes is the route table of the README's HTTP API. Each path also
// gets a method-less pattern answering 405 in JSON, and "/" answers 404 in
// JSON, so that every answer of the API has one shape.
func (s *Server) routes() {
	s.handle("GET /healthz", s.healthz)
	s.handle("POST /v1/hooks/{integration}", s.hook)
	s.handle("GET /v1/metrics", s.authed(s.metrics))
	s.handle("GET /v1/tickets", s.authed(s.listTickets))
	s.handle("GET /v1/tickets/{id}", s.authed(s.getTicket))
	s.handle("POST /v1/tickets/{id}/{action}", s.authed(s.act))
	s.handle("POST /v2/enqueue", s.enqueue)
	s.handle("POST /v2/change/enqueue", s.changeEnqueue)
	s.handle("POST /v2/alerts", s.opsgenieCreate)
	s.handle("GET /v2/alerts/{identifier}", s.opsgenieGet)
	s.handle("POST /v2/alerts/{identifier}/{action}", s.opsgenieAction)
	s.handle("PUT /v2/alerts/{identifier}/{action}", s.opsgenieAction)
	s.handle("GET /v2/alerts/{identifier}/{action}", s.opsgenieRead) // requests/{requestId}
	s.formRoutes()
	s.actionRoutes()
	s.consoleRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errorf(http.StatusNotFound, "not_found", "no route %s %s", r.Method, r.URL.Path))
	})
}

func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
	method, path, _ := cut(pattern)
	_, registered := s.methods[path]
	s.methods[path] = append(s.methods[path], method)
	if method == http.MethodGet {
		s.methods[path] = append(s.methods[path], http.MethodHead) // the mux serves HEAD with GET's handler
	}
	if registered {
		return // the path's 405 handler reads s.methods
	}
	s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		allow := strings.Join(s.methods[path], ", ")
		w.Header().Set("Allow", allow)
		s.fail(w, r, errorf(http.StatusMethodNotAllowed, "method_not_allowed", "%s %s: use %s", r.Method, r.URL.Path, allow))
	})
}

func cut(pattern string) (method, path string, ok bool) {
	for i := range len(pattern) {
		if pattern[i] == ' ' {
			return pattern[:i], pattern[i+1:], true
		}
	}
	return "", pattern, false
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}
