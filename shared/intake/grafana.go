package intake

import (
	"github.com/tierline/tierline/shared/ticket"
)

// Grafana's signature headers. The documentation and the contact point's
// form name the first; the signing code of grafana/alerting falls back to
// the second when the Header field is left empty. Both are accepted unless
// the integration names its header.
const (
	GrafanaSignatureHeader       = "X-Grafana-Alerting-Signature"
	grafanaSignatureHeaderInCode = "X-Grafana-Alert-Signature"
)

// Grafana decodes kind "grafana": the body of Grafana's unified alerting
// webhook contact point, Alertmanager's group notification with Grafana's
// additions (dashboard, panel and silence links, values). Grouping works
// as for Alertmanager. With an HMAC in the options, each request must carry
// Grafana's signature (and its timestamp, when one is configured).
func Grafana(r *Request) ([]ticket.Signal, error) {
	if h := r.Options.HMAC; h != nil {
		if err := h.verify(r, GrafanaSignatureHeader, grafanaSignatureHeaderInCode); err != nil {
			return nil, err
		}
	}
	if err := RequireJSON(r.Header); err != nil {
		return nil, err
	}
	var g alertGroup
	if err := decodeJSON(r.Body, &g); err != nil {
		return nil, err
	}
	if g.Alerts == nil {
		return nil, ticket.Errorf(ticket.Invalid, "alerts is missing: this is not a Grafana alerting webhook; remove any custom payload template from the contact point")
	}
	signals, err := g.signals(r.Options.Grouping, "grafana")
	if err != nil {
		return nil, err
	}
	for i := range signals {
		if signals[i].Description == "" && len(signals) == 1 {
			signals[i].Description = g.Message // Grafana's rendered notification text
		}
	}
	return signals, nil
}
