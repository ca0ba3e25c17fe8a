// Package telemetry is the local runtime's Prometheus registry: the
// instruments behind GET /metrics, fed from the counts of package tally
// (tier moves, ingest outcomes, deliveries), the store's latency, and the
// tickets by tier and status read by a bounded query at each scrape. It is
// the one package that imports client_golang; the domain, the stores and
// the Lambda functions do not.
package telemetry

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/tally"
	"github.com/tierline/tierline/shared/ticket"
)

// Open counts the unresolved tickets of each tier (of every integration:
// ""). It must be bounded (a scrape must not read the whole store).
type Open func(ctx context.Context, integration string) (map[ticket.Tier]figures.Unresolved, error)

// Metrics holds the instruments. Counters start at zero for every tier
// (and channel kind) at start-up and reset at a restart, which Prometheus's rate() absorbs.
type Metrics struct {
	reg        *prometheus.Registry
	moves      *prometheus.CounterVec
	breaches   *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	ingest     *prometheus.CounterVec
	store      *prometheus.HistogramVec
}

// New makes the registry; open, if not nil, feeds tierline_tickets.
func New(open Open) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.moves = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tierline_tier_moves_total",
		Help: "Tickets that entered, were acknowledged, resolved, escalated out of or reopened at a tier."}, []string{"tier", "move"})
	m.breaches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tierline_deadline_breaches_total",
		Help: "Deadlines missed at a tier, by deadline (acknowledge, resolve)."}, []string{"tier", "deadline"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tierline_notifications_total",
		Help: "Deliveries of hand-offs to channels, by tier, channel kind and outcome (delivered, late, failed)."}, []string{"tier", "kind", "outcome"})
	m.ingest = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tierline_ingest_signals_total",
		Help: "Signals sent to the ingest routes, by integration and outcome (accepted, deduplicated, refused: one a refused request) and detail (the desk's outcome or the error code)."},
		[]string{"integration", "outcome", "detail"})
	m.store = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tierline_store_seconds",
		Help:    "Latency of the store's operations, as the desk sees them.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"operation"})
	m.reg.MustRegister(m.moves, m.breaches, m.deliveries, m.ingest, m.store,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, tier := range ticket.Tiers {
		for _, move := range moves {
			m.moves.WithLabelValues(tier.String(), move)
		}
		m.breaches.WithLabelValues(tier.String(), "acknowledge")
		m.breaches.WithLabelValues(tier.String(), "resolve")
		for _, kind := range policy.ChannelKinds {
			for _, outcome := range []string{tally.Delivered, tally.Late, tally.Failed} {
				m.deliveries.WithLabelValues(tier.String(), kind, outcome)
			}
		}
	}
	if open != nil {
		m.reg.MustRegister(openCollector(open))
	}
	return m
}

var moves = []string{"entered", "acknowledged", "resolved", "escalated", "reopened"}

// Handler serves the registry in the Prometheus text exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Flow counts the tier moves of changes that dispatch has carried out.
func (m *Metrics) Flow(f figures.Flow) {
	for _, tier := range ticket.Tiers {
		c, t := f.Of(tier), tier.String()
		for move, n := range map[string]int{"entered": c.Entered, "acknowledged": c.Acknowledged, "resolved": c.Resolved,
			"escalated": c.Escalated, "reopened": c.Reopened} {
			m.moves.WithLabelValues(t, move).Add(float64(n))
		}
		m.breaches.WithLabelValues(t, "acknowledge").Add(float64(c.AcknowledgeBreaches))
		m.breaches.WithLabelValues(t, "resolve").Add(float64(c.ResolveBreaches))
	}
}

// Delivery counts one delivery (the Count of a tally.Counting).
func (m *Metrics) Delivery(d tally.Delivery) {
	m.deliveries.WithLabelValues(d.Tier.String(), d.Kind, d.Outcome).Inc()
}

// Ingested counts what a request to integration became. integration must
// be a configured one (the caller maps others to "unknown"), so that
// senders cannot grow the label set.
func (m *Metrics) Ingested(integration string, lines []tally.Ingest) {
	for _, l := range lines {
		m.ingest.WithLabelValues(integration, l.Outcome, l.Detail).Add(float64(l.Signals))
	}
}

// observe records how long a store operation took.
func (m *Metrics) observe(op string, since time.Time) {
	m.store.WithLabelValues(op).Observe(time.Since(since).Seconds())
}
