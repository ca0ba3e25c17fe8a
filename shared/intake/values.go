package intake

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/tierline/tierline/shared/ticket"
)

// text is a JSON value senders mean as text but may send otherwise (a
// template variable left unquoted): a number or boolean keeps its own
// spelling, so that a 19-digit id loses no digits; an object or list is
// kept as its JSON.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case bytes.Equal(b, []byte("null")):
		*t = ""
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		*t = text(buf.String())
	}
	return nil
}

// first returns the first of values that is not blank.
func first(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// links collects a signal's links: web addresses only, each once. It
// stops at one more than a ticket keeps, so that Normalize sees there were
// more, keeps ticket.MaxLinks and marks the links truncated (an alert is
// never refused for having many).
type links []ticket.Link

func (l *links) add(href, label string) {
	href = strings.TrimSpace(href)
	lower := strings.ToLower(href)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") || len(*l) > ticket.MaxLinks {
		return
	}
	for _, have := range *l {
		if have.Href == href {
			return
		}
	}
	*l = append(*l, ticket.Link{Href: href, Text: label})
}

// tagLabels turns "key:value" tags (Datadog, Opsgenie) into labels; tags
// without a value become labels with an empty one. All of them: labels
// route, so a set over ticket's limits is refused by Normalize, saying so,
// rather than cut here.
func tagLabels(tags []string) map[string]string {
	out := map[string]string{}
	for _, tag := range tags {
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue
		}
		k, v, _ := strings.Cut(tag, ":")
		if k = strings.TrimSpace(k); k != "" {
			out[k] = strings.TrimSpace(v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// splitTags splits a comma-separated tag list.
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// randomKey returns 32 random hex digits: a dedup key for a sender that
// asked tierline to make one (PagerDuty without dedup_key).
func randomKey() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}
