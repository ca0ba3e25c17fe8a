package awstest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
)

// Outage stands in front of a stand-in (moto_server, say) and passes
// requests on to it until Fail is called; from then on it answers every
// request with that error, as an AWS service in an outage would. A test
// of what a caller does when AWS fails thus meets the SDK's own error
// handling and the stand-in's real answers before and after.
type Outage struct {
	URL string // point the client here

	mu     sync.Mutex
	status int
	code   string
}

// NewOutage starts the proxy in front of endpoint for the test.
func NewOutage(tb testing.TB, endpoint string) *Outage {
	tb.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		tb.Fatalf("outage: endpoint %q: %v", endpoint, err)
	}
	o := &Outage{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		status, code := o.status, o.code
		o.mu.Unlock()
		if status == 0 {
			proxy.ServeHTTP(w, r)
			return
		}
		// Both spellings of an error's code: the header (REST-JSON
		// services such as Scheduler) and __type (JSON 1.0/1.1 services).
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": "the test's outage"})
	}))
	tb.Cleanup(ts.Close)
	o.URL = ts.URL
	return o
}

// Fail makes every request answer status with the error code code; a
// status of 0 ends the outage.
func (o *Outage) Fail(status int, code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.status, o.code = status, code
}
