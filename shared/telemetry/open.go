package telemetry

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tierline/tierline/shared/ticket"
)

var ticketsDesc = prometheus.NewDesc("tierline_tickets",
	"Unresolved tickets by tier and status (open, acknowledged), as of the scrape.", []string{"tier", "status"}, nil)

// openCollector reads the open tickets at each scrape, within 5 seconds.
// Every tier and status is reported, at zero when none is open.
func openCollector(open Open) prometheus.Collector {
	return prometheus.CollectorFunc(func(ch chan<- prometheus.Metric) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		counts, err := open(ctx, "")
		if err != nil {
			ch <- prometheus.NewInvalidMetric(ticketsDesc, err)
			return
		}
		for _, tier := range ticket.Tiers {
			u := counts[tier]
			ch <- prometheus.MustNewConstMetric(ticketsDesc, prometheus.GaugeValue, float64(u.Open), tier.String(), string(ticket.StatusOpen))
			ch <- prometheus.MustNewConstMetric(ticketsDesc, prometheus.GaugeValue, float64(u.Acknowledged), tier.String(), string(ticket.StatusAcknowledged))
		}
	})
}
