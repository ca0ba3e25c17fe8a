package intake

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// cloudWatchAlarm is the JSON of a CloudWatch alarm's state change, which
// SNS carries as the string Message.
type cloudWatchAlarm struct {
	AlarmName        string          `json:"AlarmName"`
	AlarmDescription string          `json:"AlarmDescription"` // free text or null: a place for "priority=P2"
	AWSAccountID     text            `json:"AWSAccountId"`
	NewStateValue    string          `json:"NewStateValue"` // ALARM, OK, INSUFFICIENT_DATA
	NewStateReason   string          `json:"NewStateReason"`
	StateChangeTime  string          `json:"StateChangeTime"` // 2026-02-11T09:30:11.902+0000
	Region           string          `json:"Region"`          // a display name: EU (Ireland)
	AlarmArn         string          `json:"AlarmArn"`        // arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME
	OldStateValue    string          `json:"OldStateValue"`
	Trigger          json.RawMessage `json:"Trigger"`
}

// cloudWatchTrigger is the part of Trigger a ticket shows; the rest is kept
// in its details as sent.
type cloudWatchTrigger struct {
	MetricName string `json:"MetricName"`
	Namespace  string `json:"Namespace"`
	Dimensions []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"Dimensions"`
}

// Hints an alarm's description may give, since alarms have no severity.
var (
	priorityHint = regexp.MustCompile(`(?i)\bpriority\s*[=:]\s*(P[1-5])\b`)
	severityHint = regexp.MustCompile(`(?i)\bseverity\s*[=:]\s*([a-z0-9]+)`)
)

// cloudWatchSignal reads the alarm in a signed Notification. It reports
// false for a state the options ignore (INSUFFICIENT_DATA by default).
func cloudWatchSignal(m *snsMessage, insufficient ticket.Action) (ticket.Signal, bool, error) {
	var a cloudWatchAlarm
	if err := CheckMembers([]byte(m.Message), &a); err != nil {
		return ticket.Signal{}, false, ticket.Errorf(ticket.Malformed, "the SNS message: %s", ticket.ErrorMessage(err))
	}
	if err := json.Unmarshal([]byte(m.Message), &a); err != nil || a.NewStateValue == "" || a.AlarmArn == "" && a.AlarmName == "" {
		return ticket.Signal{}, false, ticket.Errorf(ticket.Invalid, "the SNS message is not a CloudWatch alarm (no AlarmName and NewStateValue): subscribe tierline only to topics that alarms publish to")
	}
	var action ticket.Action
	switch a.NewStateValue {
	case "ALARM":
		action = ticket.Trigger
	case "OK":
		action = ticket.Resolve
	case "INSUFFICIENT_DATA":
		if insufficient == "" {
			return ticket.Signal{}, false, nil
		}
		action = insufficient
	default:
		return ticket.Signal{}, false, ticket.Errorf(ticket.Invalid, "NewStateValue %.40q: want ALARM, OK or INSUFFICIENT_DATA", a.NewStateValue)
	}
	var trig cloudWatchTrigger
	json.Unmarshal(a.Trigger, &trig) // a metric-math alarm has none of these fields; the details keep Trigger whole
	region, account := arnPart(a.AlarmArn, 3), arnPart(a.AlarmArn, 4)
	s := ticket.Signal{Action: action, DedupKey: first(a.AlarmArn, "alarm:"+a.AlarmName), Title: first(a.AlarmName, a.AlarmArn),
		Description: strings.TrimSpace(a.NewStateReason + "\n\n" + a.AlarmDescription),
		Source:      strings.TrimSpace(trig.Namespace + " " + dimensionText(trig)), Labels: map[string]string{}}
	if m.MessageID != "" {
		s.DeliveryID = "sns:" + m.MessageID // the same on every redelivery of the message
	}
	if s.Source == "" {
		s.Source = "cloudwatch"
	}
	if a.NewStateValue == "INSUFFICIENT_DATA" {
		s.Severity = "info"
	}
	if h := severityHint.FindStringSubmatch(a.AlarmDescription); h != nil {
		s.Severity = h[1]
	}
	if h := priorityHint.FindStringSubmatch(a.AlarmDescription); h != nil {
		s.Priority, _ = ticket.ParsePriority(h[1])
	}
	for k, v := range map[string]string{"alarm": a.AlarmName, "region": region, "account": first(string(a.AWSAccountID), account),
		"namespace": trig.Namespace, "metric": trig.MetricName} {
		if v != "" {
			s.Labels[k] = v
		}
	}
	for _, d := range trig.Dimensions {
		if d.Name != "" && len(s.Labels) < ticket.MaxLabels {
			s.Labels[d.Name] = d.Value
		}
	}
	if len(s.Labels) == 0 {
		s.Labels = nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05.000-0700", a.StateChangeTime); err == nil {
		s.At = t.UTC()
	}
	s.Details = map[string]any{"new_state": a.NewStateValue, "old_state": a.OldStateValue, "reason": a.NewStateReason,
		"state_change_time": a.StateChangeTime, "region_name": a.Region, "topic_arn": m.TopicArn, "message_id": m.MessageID}
	if m.Subject != nil {
		s.Details["subject"] = *m.Subject
	}
	var trigger any
	if json.Unmarshal(a.Trigger, &trigger) == nil && trigger != nil {
		s.Details["trigger"] = trigger
	}
	if region != "" && a.AlarmName != "" {
		var l links
		l.add("https://"+region+".console.aws.amazon.com/cloudwatch/home?region="+region+"#alarmsV2:alarm/"+url.PathEscape(a.AlarmName), "CloudWatch alarm")
		s.Links = l
	}
	return s, true, nil
}

// arnPart returns part i of an ARN (arn:partition:service:region:account:…).
func arnPart(arn string, i int) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[i]
}

func dimensionText(t cloudWatchTrigger) string {
	var parts []string
	for _, d := range t.Dimensions {
		parts = append(parts, d.Name+"="+d.Value)
	}
	return strings.Join(parts, " ")
}
