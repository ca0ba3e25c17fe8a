package policy

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// HMAC is how a sender signs its requests: a hex HMAC-SHA256 of the body,
// or of "timestamp:body" when TimestampHeader is set, in Header.
type HMAC struct {
	Secret          string        // kept in plain: verifying needs it (unlike a token, which is only compared)
	Header          string        // default: the kind's (X-Grafana-Alerting-Signature, X-Tierline-Signature)
	TimestampHeader string        // Unix seconds; empty signs the body alone
	Window          time.Duration // how far the timestamp may be from now; default DefaultHMACWindow
}

// MinHMACSecret is the shortest HMAC secret accepted, in characters.
const MinHMACSecret = 16

// DefaultHMACWindow is how far a signed timestamp may be from the clock:
// room for clock skew and a slow network, small enough to stop a replay.
const DefaultHMACWindow = 5 * time.Minute

// Option values.
const (
	GroupByGroup = "group" // one ticket per Alertmanager or Grafana group
	GroupByAlert = "alert" // one ticket per alert fingerprint

	InsufficientIgnore  = "ignore"
	InsufficientTrigger = "trigger"
	InsufficientResolve = "resolve"
)

// kindOptions lists, for each option an integration may set, the kinds it
// applies to.
var kindOptions = map[string][]string{
	"grouping":          {"alertmanager", "grafana"},
	"hmac":              {"generic", "grafana"},
	"topics":            {"sns"},
	"insufficient_data": {"sns"},
	"mapping":           {"generic"},
}

// MappingFields are the ticket fields a generic integration may map.
var MappingFields = []string{"action", "dedup_key", "description", "priority", "severity", "source", "title"}

var (
	// topicARN is the shape of an SNS topic ARN in any partition.
	topicARN   = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	headerName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
)

// options reads the kind-specific options of in, given as nodes by name,
// once its kind is known.
func (p *parser) options(item *yaml.Node, in *Integration, options map[string]*yaml.Node, path string) {
	names := make([]string, 0, len(options))
	for name := range options {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v, at := options[name], join(path, name)
		if kinds := kindOptions[name]; !slices.Contains(kinds, in.Kind) {
			if slices.Contains(Kinds, in.Kind) {
				p.errorf(v, at, "kind %s has no %s; it applies to %s", in.Kind, name, strings.Join(kinds, " and "))
			}
			continue
		}
		switch name {
		case "grouping":
			in.Grouping = p.choice(v, at, GroupByGroup, GroupByAlert)
		case "hmac":
			in.HMAC = p.hmac(v, at)
		case "topics":
			in.Topics = p.topics(v, at)
		case "insufficient_data":
			in.InsufficientData = p.choice(v, at, InsufficientIgnore, InsufficientTrigger, InsufficientResolve)
		case "mapping":
			in.Mapping = p.mapping(v, at)
		}
	}
	switch {
	case (in.Kind == "alertmanager" || in.Kind == "grafana") && in.Grouping == "":
		in.Grouping = GroupByGroup
	case in.Kind == "sns" && in.InsufficientData == "":
		in.InsufficientData = InsufficientIgnore
	}
	if in.Kind == "sns" && options["topics"] == nil {
		p.errorf(item, path, "integration %q of kind sns needs topics: the ARNs of the SNS topics that may post, like arn:aws:sns:eu-west-1:123456789012:alarms", in.Name)
	}
}

// choice reads one of want.
func (p *parser) choice(v *yaml.Node, path string, want ...string) string {
	s, ok := scalar(v)
	if !ok || !slices.Contains(want, s) {
		p.errorf(v, path, "want %s, got %s", strings.Join(want, " or "), kindName(v))
		return ""
	}
	return s
}

func (p *parser) topics(v *yaml.Node, path string) []string {
	topics := p.strs(v, path)
	for i, t := range topics {
		if !topicARN.MatchString(t) {
			at := v
			if v.Kind == yaml.SequenceNode {
				at = v.Content[i]
			}
			p.errorf(at, path, "%q is not an SNS topic ARN: want arn:aws:sns:REGION:ACCOUNT:NAME, as the topic's page shows it", t)
		}
	}
	if len(topics) == 0 {
		p.errorf(v, path, "list at least one SNS topic ARN")
	}
	return topics
}

func (p *parser) hmac(n *yaml.Node, path string) *HMAC {
	h := &HMAC{Window: DefaultHMACWindow}
	var secret *yaml.Node
	if !p.fields(n, path, map[string]func(*yaml.Node, string){
		"secret":           func(v *yaml.Node, _ string) { secret = v },
		"header":           func(v *yaml.Node, path string) { h.Header = p.header(v, path) },
		"timestamp_header": func(v *yaml.Node, path string) { h.TimestampHeader = p.header(v, path) },
		"window":           func(v *yaml.Node, path string) { h.Window = p.duration(v, path) },
	}) {
		return nil
	}
	const min, howTo = MinHMACSecret, "make one with: openssl rand -hex 32"
	at := join(path, "secret")
	if secret == nil {
		p.errorf(n, at, "want a shared secret of at least %d characters (%s)", min, howTo)
		return h
	}
	sv := p.secretText(secret, at, fmt.Sprintf("the shared secret the sender signs with, at least %d characters", min))
	switch {
	case !sv.known:
	case len(sv.text) >= min:
		h.Secret = sv.text
	case sv.from != "":
		p.errorf(secret, at, "%s", sv.tooShort(min, howTo))
	default:
		p.errorf(secret, at, "want a shared secret of at least %d characters (%s)", min, howTo)
	}
	return h
}

func (p *parser) header(v *yaml.Node, path string) string {
	s := p.str(v, path)
	if s != "" && !headerName.MatchString(s) {
		p.errorf(v, path, "%q is not an HTTP header name", s)
	}
	return s
}

func (p *parser) mapping(n *yaml.Node, path string) map[string]string {
	m := map[string]string{}
	p.entries(n, path, func(k, v *yaml.Node, path string) {
		if !slices.Contains(MappingFields, k.Value) {
			p.errorf(k, path, "unknown field %q: a mapping may set %s", k.Value, strings.Join(MappingFields, ", "))
			return
		}
		ptr := p.str(v, path)
		if err := checkPointer(ptr); err != nil {
			p.errorf(v, path, "%q is not a JSON pointer (RFC 6901): %v; write it like /alert/name", ptr, err)
			return
		}
		m[k.Value] = ptr
	})
	return m
}

// checkPointer checks the syntax of an RFC 6901 JSON pointer to a member:
// "/" then reference tokens, where "~" is only "~0" or "~1".
func checkPointer(ptr string) error {
	if !strings.HasPrefix(ptr, "/") {
		return fmt.Errorf("it must start with /")
	}
	for i := 0; i < len(ptr); i++ {
		if ptr[i] == '~' && (i+1 == len(ptr) || (ptr[i+1] != '0' && ptr[i+1] != '1')) {
			return fmt.Errorf("~ must be followed by 0 or 1")
		}
	}
	return nil
}

// uniqueKeys refuses two integrations of kind pagerduty (or opsgenie) with
// the same token: the routing_key or GenieKey is all that tells them apart.
func (p *parser) uniqueKeys(c *Config) {
	for i, a := range c.Integrations {
		if a.Kind != "pagerduty" && a.Kind != "opsgenie" || !a.Token.set {
			continue
		}
		for _, b := range c.Integrations[:i] {
			if b.Kind == a.Kind && b.Token.set && b.Token.sum == a.Token.sum {
				p.errorAt(a.line, fmt.Sprintf("integrations[%d]", i),
					"integration %q has the same token as %q; senders of kind %s are told apart by their token alone, so give each its own", a.Name, b.Name, a.Kind)
			}
		}
	}
}
