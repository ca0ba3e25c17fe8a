package notify

import (
	"net/http"
	"time"
)

// DefaultConns is how many deliveries to one host the default client keeps
// a connection alive for: the local tier workers' default concurrency.
const DefaultConns = 256

var defaultClient = NewClient(DefaultConns)

// NewClient returns the HTTP client that webhooks are delivered with: 10 s
// per attempt, and up to conns idle keep-alive connections per host, so
// that a burst of concurrent deliveries to one receiver reuses its
// connections. Go's default keeps 2 per host: every other delivery of a
// burst would pay for a new TCP and TLS handshake, and leave a socket in
// TIME_WAIT.
func NewClient(conns int) *http.Client {
	conns = max(conns, 1)
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * conns
	t.MaxIdleConnsPerHost = conns
	return &http.Client{Timeout: 10 * time.Second, Transport: t}
}
