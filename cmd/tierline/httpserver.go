package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// HTTPLimits bound what one client can hold of tierline serve: a
// connection, a goroutine and its buffers. The form route is public, so
// they hold for every route. Zero fields take the defaults, chosen for
// webhooks (the README's "Limits of tierline serve" says why).
type HTTPLimits struct {
	// ReadHeader is how long the request line and headers may take to
	// arrive; default 10s.
	ReadHeader time.Duration
	// Read is how long a whole request may take to arrive, body included;
	// default 30s. A body cut off is answered 503 with Retry-After, so that
	// its sender sends it again.
	Read time.Duration
	// Write is how long after its headers a request must be answered;
	// default Read plus 15s, so that a body arriving late is still answered.
	Write time.Duration
	// Idle is how long a keep-alive connection may wait for its next
	// request; default 60s.
	Idle time.Duration
	// MaxHeaderBytes caps the request line and headers (net/http allows 4
	// KiB more); longer ones are answered 431. Default 16 KiB.
	MaxHeaderBytes int
	// Drain is how long a shutdown waits for the requests in flight before
	// it cuts them off; default 10s.
	Drain time.Duration
}

// The defaults of HTTPLimits.
const (
	defaultReadHeader     = 10 * time.Second
	defaultRead           = 30 * time.Second
	writeAfterRead        = 15 * time.Second
	defaultIdle           = 60 * time.Second
	defaultMaxHeaderBytes = 16 << 10
	defaultDrain          = 10 * time.Second
)

// withDefaults fills in the zero fields.
func (l HTTPLimits) withDefaults() HTTPLimits {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&l.ReadHeader, defaultReadHeader)
	set(&l.Read, defaultRead)
	set(&l.Write, l.Read+writeAfterRead)
	set(&l.Idle, defaultIdle)
	set(&l.Drain, defaultDrain)
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = defaultMaxHeaderBytes
	}
	return l
}

// newServer returns the HTTP server of h under these limits.
func (l HTTPLimits) newServer(h http.Handler, log *slog.Logger) *http.Server {
	l = l.withDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// drain stops srv accepting, closes its idle connections and waits up to
// the Drain limit for the requests in flight to be answered. Those still
// running then are cut off, and drain says so.
func (l HTTPLimits) drain(srv *http.Server) error {
	wait := l.withDefaults().Drain
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		srv.Close()
		return fmt.Errorf("shutdown: requests still running after %v were cut off; "+
			"what they wrote is either stored or not, and their senders will retry", wait)
	}
	return err
}
