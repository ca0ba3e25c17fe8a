package httpapi

import (
	"github.com/tierline/tierline/shared/intake"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// integrationOptions maps each integration's config to the options its
// decoder reads (intake imports only ticket, so it cannot read policy).
// Every SNS integration shares one certificate cache.
func integrationOptions(cfg *policy.Config, opts Options) map[string]intake.Options {
	fetchCert, confirm := opts.SNSCert, opts.SNSConfirm
	if fetchCert == nil {
		fetchCert = intake.FetchHTTP
	}
	if confirm == nil {
		confirm = intake.FetchHTTP
	}
	certs := intake.NewSNSCerts(fetchCert)
	out := make(map[string]intake.Options, len(cfg.Integrations))
	for _, in := range cfg.Integrations {
		o := intake.Options{Grouping: intake.Grouping(in.Grouping), Mapping: in.Mapping}
		if h := in.HMAC; h != nil {
			o.HMAC = &intake.HMAC{Secret: []byte(h.Secret), Header: h.Header, TimestampHeader: h.TimestampHeader, Window: h.Window}
		}
		if in.Kind == "sns" {
			o.SNS = intake.SNSOptions{Topics: in.Topics, Certs: certs, Confirm: confirm,
				InsufficientData: insufficientData[in.InsufficientData]}
		}
		out[in.Name] = o
	}
	return out
}

// insufficientData maps the config's words to what the SNS decoder does
// with an alarm in state INSUFFICIENT_DATA ("" ignores it).
var insufficientData = map[string]ticket.Action{
	policy.InsufficientIgnore:  "",
	policy.InsufficientTrigger: ticket.Trigger,
	policy.InsufficientResolve: ticket.Resolve,
}
