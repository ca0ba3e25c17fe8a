package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// alertGroup is one notification of Alertmanager's webhook (version "4"),
// or of Grafana's webhook contact point, which extends it: a group of
// alerts that share a route and its grouping labels, firing and resolved.
type alertGroup struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []groupAlert      `json:"alerts"`

	// Grafana's additions.
	OrgID   text   `json:"orgId"`
	Title   string `json:"title"`
	State   string `json:"state"`
	Message string `json:"message"`
}

// groupAlert is one alert of a group.
type groupAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"` // 0001-01-01 while firing
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`

	// Grafana's additions.
	SilenceURL   string         `json:"silenceURL"`
	DashboardURL string         `json:"dashboardURL"`
	PanelURL     string         `json:"panelURL"`
	ImageURL     string         `json:"imageURL"`
	RuleUID      string         `json:"ruleUID"`
	Values       map[string]any `json:"values"`
	ValueString  string         `json:"valueString"`
}

// signals turns the group into signals: one for the whole group (keyed by
// groupKey, resolved once every alert is), or one per alert (keyed by
// fingerprint, each resolved by its own status). sender names the tool,
// for the source and the links.
func (g *alertGroup) signals(mode Grouping, sender string) ([]ticket.Signal, error) {
	if len(g.Alerts) == 0 {
		return nil, ticket.Errorf(ticket.Invalid, "alerts is empty: a notification lists at least one alert")
	}
	if mode == ByAlert {
		out := make([]ticket.Signal, 0, len(g.Alerts))
		for i := range g.Alerts {
			s, err := g.alertSignal(&g.Alerts[i], sender)
			if err != nil {
				return nil, ticket.Errorf(ticket.ErrorCode(err), "alerts[%d]: %s", i, ticket.ErrorMessage(err))
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := g.groupSignal(sender)
	if err != nil {
		return nil, err
	}
	return []ticket.Signal{s}, nil
}

func (g *alertGroup) groupSignal(sender string) (ticket.Signal, error) {
	firing := 0
	for _, a := range g.Alerts {
		if _, err := alertAction(a.Status); err != nil {
			return ticket.Signal{}, err
		}
		if a.Status != "resolved" {
			firing++
		}
	}
	key, err := g.key()
	if err != nil {
		return ticket.Signal{}, err
	}
	common := g.CommonLabels
	if len(common) == 0 && len(g.Alerts) == 1 {
		common = g.Alerts[0].Labels
	}
	s := ticket.Signal{Action: ticket.Trigger, DedupKey: key, Title: g.title(firing),
		Description: g.description(), Severity: g.severity(), Labels: clone(g.CommonLabels),
		Source:  first(common["instance"], common["job"], common["service"], sender),
		Details: g.details(firing), At: g.earliest()}
	if firing == 0 {
		s.Action = ticket.Resolve // every alert of the group is resolved
	}
	var l links
	l.add(g.ExternalURL, sender)
	l.add(g.CommonAnnotations["runbook_url"], "runbook")
	for _, a := range g.Alerts {
		l.add(a.Annotations["runbook_url"], "runbook")
	}
	for _, a := range g.Alerts {
		a.addLinks(&l)
	}
	s.Links = l
	return s, nil
}

func (g *alertGroup) alertSignal(a *groupAlert, sender string) (ticket.Signal, error) {
	action, err := alertAction(a.Status)
	if err != nil {
		return ticket.Signal{}, err
	}
	key := a.Fingerprint
	if key == "" {
		key = "labels:" + hashLabels(a.Labels)
	}
	s := ticket.Signal{Action: action, DedupKey: key, Labels: clone(a.Labels), Severity: a.Labels["severity"],
		Title:       first(a.Annotations["summary"], alertName(a.Labels)),
		Description: first(a.Annotations["description"], a.Annotations["message"]),
		Source:      first(a.Labels["instance"], a.Labels["job"], a.Labels["service"], sender),
		At:          a.StartsAt, Details: a.details()}
	s.Details["group_key"] = g.GroupKey
	s.Details["receiver"] = g.Receiver
	var l links
	l.add(a.Annotations["runbook_url"], "runbook")
	a.addLinks(&l)
	l.add(g.ExternalURL, sender)
	s.Links = l
	return s, nil
}

// alertAction reads an alert's status.
func alertAction(status string) (ticket.Action, error) {
	switch status {
	case "firing", "":
		return ticket.Trigger, nil
	case "resolved":
		return ticket.Resolve, nil
	}
	return "", ticket.Errorf(ticket.Invalid, "alert status %.40q: want firing or resolved", status)
}

// key is the group's dedup key: its groupKey, hashed when it is too long
// to be a key (the hash is stable, so the group keeps its ticket).
func (g *alertGroup) key() (string, error) {
	key := g.GroupKey
	if key == "" && len(g.GroupLabels) > 0 {
		key = "labels:" + hashLabels(g.GroupLabels)
	}
	if key == "" {
		return "", ticket.Errorf(ticket.Invalid, "groupKey is missing: it names the group, and so its ticket")
	}
	if len(key) > ticket.MaxDedupKey {
		sum := sha256.Sum256([]byte(key))
		key = "sha256:" + hex.EncodeToString(sum[:])
	}
	return key, nil
}

// title says what the group is about: the common summary, the one alert's
// summary, or the alert name and how many alerts fire.
func (g *alertGroup) title(firing int) string {
	if s := g.CommonAnnotations["summary"]; s != "" {
		return s
	}
	if len(g.Alerts) == 1 {
		a := g.Alerts[0]
		return first(a.Annotations["summary"], alertName(a.Labels))
	}
	name := first(g.CommonLabels["alertname"], g.GroupLabels["alertname"], joinLabels(g.GroupLabels), "alerts")
	return fmt.Sprintf("%s: %d of %d alerts firing", name, firing, len(g.Alerts))
}

// description is the common description, the one alert's, or a line per
// alert, so that the hand-off says which instances are affected.
func (g *alertGroup) description() string {
	if d := first(g.CommonAnnotations["description"], g.CommonAnnotations["message"]); d != "" {
		return d
	}
	if len(g.Alerts) == 1 {
		a := g.Alerts[0]
		return first(a.Annotations["description"], a.Annotations["message"])
	}
	var b strings.Builder
	for i, a := range g.Alerts {
		if i == 50 {
			fmt.Fprintf(&b, "… and %d more\n", len(g.Alerts)-i)
			break
		}
		what := first(a.Annotations["summary"], alertName(a.Labels))
		fmt.Fprintf(&b, "- %s: %s", first(a.Status, "firing"), what)
		if inst := a.Labels["instance"]; inst != "" && !strings.Contains(what, inst) {
			fmt.Fprintf(&b, " (%s)", inst)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// severity is the common severity label, else the most severe of the
// firing alerts'.
func (g *alertGroup) severity() string {
	if s := g.CommonLabels["severity"]; s != "" {
		return s
	}
	best := ""
	for _, a := range g.Alerts {
		s := a.Labels["severity"]
		if s != "" && a.Status != "resolved" && (best == "" || ticket.PriorityForSeverity(s) < ticket.PriorityForSeverity(best)) {
			best = s
		}
	}
	return best
}

func (g *alertGroup) earliest() time.Time {
	var at time.Time
	for _, a := range g.Alerts {
		if !a.StartsAt.IsZero() && (at.IsZero() || a.StartsAt.Before(at)) {
			at = a.StartsAt
		}
	}
	return at
}

// details lists every alert of the group, so that the ticket shows the
// group as the sender last reported it.
func (g *alertGroup) details(firing int) map[string]any {
	alerts := make([]any, len(g.Alerts))
	for i := range g.Alerts {
		alerts[i] = g.Alerts[i].details()
	}
	d := map[string]any{"group_key": g.GroupKey, "receiver": g.Receiver, "status": g.Status,
		"firing": firing, "resolved": len(g.Alerts) - firing, "alerts": alerts}
	if g.TruncatedAlerts > 0 {
		d["truncated_alerts"] = g.TruncatedAlerts
	}
	if len(g.GroupLabels) > 0 {
		d["group_labels"] = clone(g.GroupLabels)
	}
	return d
}

func (a *groupAlert) details() map[string]any {
	d := map[string]any{"status": first(a.Status, "firing"), "labels": clone(a.Labels)}
	if len(a.Annotations) > 0 {
		d["annotations"] = clone(a.Annotations)
	}
	if !a.StartsAt.IsZero() {
		d["starts_at"] = a.StartsAt.UTC().Format(time.RFC3339Nano)
	}
	if a.EndsAt.Year() > 1 {
		d["ends_at"] = a.EndsAt.UTC().Format(time.RFC3339Nano)
	}
	for k, v := range map[string]string{"fingerprint": a.Fingerprint, "generator_url": a.GeneratorURL,
		"rule_uid": a.RuleUID, "value_string": a.ValueString} {
		if v != "" {
			d[k] = v
		}
	}
	if len(a.Values) > 0 {
		d["values"] = maps.Clone(a.Values)
	}
	return d
}

func (a *groupAlert) addLinks(l *links) {
	l.add(a.GeneratorURL, "source")
	l.add(a.DashboardURL, "dashboard")
	l.add(a.PanelURL, "panel")
	l.add(a.ImageURL, "image")
	l.add(a.SilenceURL, "silence")
}

// alertName names an alert without a summary: its alertname, on its instance.
func alertName(labels map[string]string) string {
	name := first(labels["alertname"], "alert")
	if inst := labels["instance"]; inst != "" {
		return name + " on " + inst
	}
	return name
}

// hashLabels is a stable short name for a label set (the labels in key
// order), for alerts and groups that came without theirs.
func hashLabels(labels map[string]string) string {
	sum := sha256.Sum256([]byte(joinLabels(labels)))
	return hex.EncodeToString(sum[:12])
}

func joinLabels(labels map[string]string) string {
	parts := make([]string, 0, len(labels))
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		parts = append(parts, fmt.Sprintf("%s=%q", k, labels[k]))
	}
	return strings.Join(parts, ",")
}

func clone(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}
