package intake

import (
	"github.com/tierline/tierline/shared/ticket"
)

// Alertmanager decodes kind "alertmanager": the body of Prometheus
// Alertmanager's webhook_configs receiver, payload version "4". By default
// a notification group is one ticket (keyed by groupKey, every alert listed
// in its details, resolved when the whole group is); with grouping "alert"
// each alert is a ticket of its own (keyed by fingerprint). Severity comes
// from labels.severity, title and description from the summary and
// description annotations; runbook_url, generatorURL and externalURL
// become links.
func Alertmanager(r *Request) ([]ticket.Signal, error) {
	if err := RequireJSON(r.Header); err != nil {
		return nil, err
	}
	var g alertGroup
	if err := decodeJSON(r.Body, &g); err != nil {
		return nil, err
	}
	if g.Version != "4" {
		return nil, ticket.Errorf(ticket.Invalid, "version %.20q: tierline reads Alertmanager's webhook version \"4\"; remove any custom payload template from the receiver", g.Version)
	}
	return g.signals(r.Options.Grouping, "alertmanager")
}
