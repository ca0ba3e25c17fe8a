package main

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/httpapi"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/queue/localqueue"
	"github.com/tierline/tierline/shared/store/sqlite"
	"github.com/tierline/tierline/shared/tally"
	"github.com/tierline/tierline/shared/telemetry"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/localtimer"
)

//go:embed demo.yaml
var demoConfig []byte

// Main is the local runtime: the HTTP API, the SQLite store, the outbox
// dispatcher, one notifier per tier and the escalation timers, in one
// process. Set its fields, call Run, and Close to stop. A test boots it on
// port 0 with a temporary data directory.
type Main struct {
	ConfigPath string // empty: the built-in demo config
	Addr       string // default 127.0.0.1:8080
	DataDir    string // default ./tierline-data
	Log        *slog.Logger
	Stdout     io.Writer     // where the start-up banner goes; default io.Discard
	Visibility time.Duration // how long a received hand-off has to be delivered before it is received again; default 30s
	DebugAddr  string        // if set, net/http/pprof listens here
	HTTP       HTTPLimits    // timeouts and header size; zero fields take the defaults
	// Deliveries bounds the hand-offs delivered at once, all tiers
	// together, and PerChannel those to any one channel; defaults 256 and
	// 128. Each is also how many keep-alive connections are kept open.
	Deliveries int
	PerChannel int
	// MetricsToken, if set, is the bearer token GET /metrics asks for;
	// without it /metrics answers loopback clients only.
	MetricsToken string

	Config *policy.Config // loaded by Run
	URL    string         // set by Run: http://host:port

	db      *localdb.DB
	store   *sqlite.Store
	queue   *localqueue.Queue
	timers  *localtimer.Timer
	desk    *desk.Service
	metrics *telemetry.Metrics
	slots   *slots
	server  *http.Server
	lock    *os.File
	stop    context.CancelFunc
	onClose []func()
	wg      sync.WaitGroup
	closing sync.Once
}

// Run starts everything and returns once the API is listening.
func (m *Main) Run(ctx context.Context) (err error) {
	if m.Log == nil {
		m.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if err := m.loadConfig(); err != nil {
		return err
	}
	if err := m.openData(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", m.addr())
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.URL = "http://" + ln.Addr().String()
	if m.Config.BaseURL == "" {
		m.Config.BaseURL = m.URL
	}
	m.Deliveries, m.PerChannel = cmp.Or(m.Deliveries, defaultDeliveries), cmp.Or(m.PerChannel, defaultPerChannel)
	m.slots = newSlots(m.Deliveries, m.PerChannel)
	m.desk.Notifier = tally.Counting{Count: m.metrics.Delivery, Notifier: &notify.Deliverer{BaseURL: m.Config.BaseURL, Log: m.Log,
		Client: notify.NewClient(m.Deliveries), Signer: actionlink.New(m.Config.ActionLinks.Secret, m.Config.ActionLinks.Expire)}}
	api, err := httpapi.New(m.desk, m.Config, httpapi.Options{Log: m.Log,
		Metrics: telemetry.Guard(m.metrics.Handler(), m.MetricsToken), Ingested: m.ingested})
	if err != nil {
		ln.Close()
		return err
	}
	m.server = m.HTTP.newServer(api, m.Log)
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	m.stop = stop
	m.goRun(func() { m.serve(ln) })
	m.goRun(func() { m.dispatch(bg) })
	m.goRun(func() { m.timers.Run(bg, m.desk.Advance) })
	m.goRun(func() { m.sweep(bg) })
	for _, tier := range ticket.Tiers {
		m.goRun(func() { m.work(bg, tier) })
	}
	if m.DebugAddr != "" {
		if err := m.serveDebug(); err != nil {
			return err
		}
	}
	m.banner()
	m.Log.Info("tierline is running", "url", m.URL, "data", m.DataDir)
	return nil
}

// Close stops accepting requests, lets those in flight finish (for up to
// HTTP.Drain), stops the background loops and closes the database. Work
// not yet done stays in the outbox, the queues and the timers for the next
// start.
func (m *Main) Close() error {
	var err error
	m.closing.Do(func() {
		if m.server != nil {
			err = m.HTTP.drain(m.server)
		}
		if m.stop != nil {
			m.stop()
		}
		for _, fn := range m.onClose {
			fn()
		}
		m.wg.Wait()
		if m.db != nil {
			err = errors.Join(err, m.db.Close())
		}
		if m.lock != nil {
			m.lock.Close() // releases the flock
		}
	})
	return err
}

func (m *Main) loadConfig() error {
	var err error
	if m.ConfigPath == "" {
		m.Config, err = policy.Parse("demo.yaml (built in)", demoConfig)
	} else {
		m.Config, err = policy.Load(m.ConfigPath)
	}
	if err != nil {
		return err
	}
	return localChannels(m.Config)
}

// localChannels refuses channels the local runtime cannot deliver to, at
// start rather than by hand-offs that fail until they reach the dead
// letters, unseen.
func localChannels(cfg *policy.Config) error {
	for _, tier := range ticket.Tiers {
		for _, ch := range cfg.Channels[tier] {
			if ch.Kind == "sns" {
				return fmt.Errorf("config: %s channel %q is an SNS channel, which delivers only on AWS; "+
					"for tierline serve use webhook or log channels", tier, ch.Name)
			}
		}
	}
	return nil
}

// openData locks the data directory (two runtimes on one database would
// both dispatch and page everyone twice) and opens what lives there.
func (m *Main) openData(ctx context.Context) error {
	if m.DataDir == "" {
		m.DataDir = "tierline-data"
	}
	if err := os.MkdirAll(m.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(m.DataDir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return fmt.Errorf("data directory %s is in use by another tierline: %w", m.DataDir, err)
	}
	m.lock = lock
	if m.db, err = localdb.Open(filepath.Join(m.DataDir, "tierline.db")); err != nil {
		return err
	}
	if m.store, err = sqlite.New(ctx, m.db); err != nil {
		return err
	}
	m.Visibility = cmp.Or(m.Visibility, 30*time.Second)
	if m.queue, err = localqueue.New(ctx, m.db, localqueue.Options{Visibility: m.Visibility}); err != nil {
		return err
	}
	if m.timers, err = localtimer.New(ctx, m.db, localtimer.Options{Log: m.Log}); err != nil {
		return err
	}
	m.metrics = telemetry.New(m.store.Unresolved)
	m.desk = &desk.Service{Store: m.metrics.Timed(m.store), Config: m.Config, Queue: m.queue, Timer: m.timers, Log: m.Log}
	return nil
}

func (m *Main) addr() string {
	if m.Addr == "" {
		return "127.0.0.1:8080"
	}
	return m.Addr
}

func (m *Main) serve(ln net.Listener) {
	if err := m.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		m.Log.Error("http server stopped", "err", err)
	}
}

func (m *Main) goRun(fn func()) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		fn()
	}()
}
