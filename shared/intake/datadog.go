package intake

import (
	"maps"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// datadogAlert is the payload of the webhook template the README gives for
// Datadog: each key set to the $VARIABLE of the same meaning.
type datadogAlert struct {
	Source     text `json:"source"`
	ID         text `json:"id"`         // $ID: one per notification; a retry repeats it
	CycleKey   text `json:"cycle_key"`  // $ALERT_CYCLE_KEY: trigger to recovery, the dedup key
	AggregKey  text `json:"aggreg_key"` // $AGGREG_KEY
	MonitorID  text `json:"monitor_id"` // $ALERT_ID
	Transition text `json:"transition"` // $ALERT_TRANSITION: Triggered, Re-Triggered, Recovered, Warn, No Data, Renotify…
	AlertType  text `json:"alert_type"` // $ALERT_TYPE: error, warning, success, info
	Priority   text `json:"priority"`   // $ALERT_PRIORITY: P1…P5
	Title      text `json:"title"`      // $EVENT_TITLE
	Message    text `json:"message"`    // $TEXT_ONLY_MSG
	Scope      text `json:"scope"`      // $ALERT_SCOPE
	Host       text `json:"host"`       // $HOSTNAME
	Tags       text `json:"tags"`       // $TAGS
	Link       text `json:"link"`       // $LINK
	Date       text `json:"date"`       // $DATE, epoch milliseconds
}

// Datadog decodes kind "datadog": the README's webhook template, JSON or
// "Encode as form". The dedup key is $ALERT_CYCLE_KEY; $ALERT_TRANSITION
// Recovered (or $ALERT_TYPE success) resolves; priority is $ALERT_PRIORITY,
// else the severity $ALERT_TYPE names; $ID makes a retry count once.
func Datadog(r *Request) ([]ticket.Signal, error) {
	var a datadogAlert
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(r.Body))
		if err != nil {
			return nil, ticket.Errorf(ticket.Malformed, "the body is not a valid form: %v", err)
		}
		if err := fieldsOnce(form); err != nil {
			return nil, err
		}
		a = datadogForm(form)
	default:
		if err := RequireJSON(r.Header); err != nil {
			return nil, ticket.Errorf(ticket.Unsupported, "%s, or application/x-www-form-urlencoded (Encode as form)", ticket.ErrorMessage(err))
		}
		if err := decodeJSON(r.Body, &a); err != nil {
			return nil, err
		}
	}
	return a.signals()
}

// fieldsOnce refuses a form that sends a field twice, as CheckMembers
// refuses JSON that does: url.Values.Get would read the first, another
// reader the last.
func fieldsOnce(f url.Values) error {
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if len(f[k]) > 1 {
			return ticket.Errorf(ticket.Malformed, "the field %.100q is sent twice: send each field once", k)
		}
	}
	return nil
}

func datadogForm(f url.Values) datadogAlert {
	g := func(k string) text { return text(f.Get(k)) }
	return datadogAlert{Source: g("source"), ID: g("id"), CycleKey: g("cycle_key"), AggregKey: g("aggreg_key"),
		MonitorID: g("monitor_id"), Transition: g("transition"), AlertType: g("alert_type"), Priority: g("priority"),
		Title: g("title"), Message: g("message"), Scope: g("scope"), Host: g("host"), Tags: g("tags"),
		Link: g("link"), Date: g("date")}
}

// eventTitlePrefix is the "[Triggered on {host:x}] " $EVENT_TITLE starts
// with; the ticket's title is what follows, the same for every transition.
var eventTitlePrefix = regexp.MustCompile(`^\[[^\]]*\]\s*`)

func (a datadogAlert) signals() ([]ticket.Signal, error) {
	var key string
	for _, k := range []text{a.CycleKey, a.AggregKey} {
		if k := strings.TrimSpace(string(k)); key == "" && k != "" && !unrendered(k) {
			key = k
		}
	}
	if key == "" {
		return nil, ticket.Errorf(ticket.Invalid, "cycle_key is missing: set it to $ALERT_CYCLE_KEY in the webhook's payload (see the README's template)")
	}
	action := ticket.Trigger
	transition := strings.ToLower(strings.TrimSpace(string(a.Transition)))
	if transition == "recovered" || strings.EqualFold(strings.TrimSpace(string(a.AlertType)), "success") {
		action = ticket.Resolve
	}
	title := strings.TrimSpace(string(a.Title))
	if m := eventTitlePrefix.FindString(title); m != "" && len(m) < len(title) {
		title = title[len(m):]
	}
	s := ticket.Signal{Action: action, DedupKey: key, Title: title, Description: string(a.Message),
		Source: first(string(a.Host), string(a.Source), "datadog"), Severity: string(a.AlertType)}
	if p, err := ticket.ParsePriority(string(a.Priority)); err == nil {
		s.Priority = p // a monitor without a priority leaves $ALERT_PRIORITY empty: the severity decides
	}
	if id := string(a.ID); id != "" && !unrendered(id) {
		s.DeliveryID = "datadog:" + id
	}
	tags := splitTags(string(a.Tags))
	s.Labels = tagLabels(append(splitTags(string(a.Scope)), tags...))
	s.Details = map[string]any{}
	for k, v := range map[string]text{"transition": a.Transition, "alert_type": a.AlertType, "monitor_id": a.MonitorID,
		"aggreg_key": a.AggregKey, "scope": a.Scope, "event_id": a.ID, "event_title": a.Title} {
		if v != "" {
			s.Details[k] = string(v)
		}
	}
	if len(tags) > 0 {
		s.Details["tags"] = tags
	}
	if ms, err := strconv.ParseInt(string(a.Date), 10, 64); err == nil && ms > 0 {
		s.At = time.UnixMilli(ms).UTC()
	}
	var l links
	l.add(string(a.Link), "Datadog")
	s.Links = l
	return []ticket.Signal{s}, nil
}

// unrendered reports a template variable Datadog left as it was: a
// misspelt variable arrives as "$ALERT_CYCLE_KY".
func unrendered(s string) bool { return strings.HasPrefix(s, "$") }
