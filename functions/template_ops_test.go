package functions_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// operations checks what the operators run on: reserved concurrency that
// the notify event sources stay within, API throttling, an alarm on each
// way work can wait or be lost, an e-mail subscription to the alarms, the
// dashboard, the table kept safe, and the sweep on a schedule.
func (c checker) operations() []string {
	var out []string
	for _, check := range []func() []string{c.concurrency, c.throttling, c.waitAlarms, c.alarmTopic, c.dashboard, c.tableSafety, c.sweep} {
		out = append(out, check()...)
	}
	return out
}

// concurrency checks that notify and escalate reserve concurrency from
// parameters, and that the notify event sources' maximum concurrency,
// three queues of it, fits in notify's by the parameters' defaults.
func (c checker) concurrency() []string {
	var out []string
	reserved := map[string]int{}
	for _, id := range []string{"NotifyFunction", "EscalateFunction"} {
		v := c.choose(c.tpl.Resources[id].Properties["ReservedConcurrentExecutions"])
		param, _ := mapping(v)["Ref"].(string)
		if _, ok := c.tpl.Parameters[param]; !ok {
			out = append(out, fmt.Sprintf("%s: ReservedConcurrentExecutions is not a parameter", id))
			continue
		}
		reserved[id] = c.intParam(param)
	}
	f, _ := c.tpl.Function("NotifyFunction")
	total := 0
	for _, name := range f.EventsOfType("SQS") {
		v := mapping(mapping(f.Events[name].Properties["ScalingConfig"])["MaximumConcurrency"])
		param, _ := v["Ref"].(string)
		if _, ok := c.tpl.Parameters[param]; !ok {
			out = append(out, fmt.Sprintf("NotifyFunction: event %s: ScalingConfig.MaximumConcurrency is not a parameter", name))
			continue
		}
		total += c.intParam(param)
	}
	if n := reserved["NotifyFunction"]; n != 0 && total > n {
		out = append(out, fmt.Sprintf("NotifyFunction: its event sources run up to %d at once, over its reserved %d: the queues would see throttles", total, n))
	}
	return out
}

func (c checker) intParam(name string) int {
	v, _ := c.tpl.Resolve(map[string]any{"Ref": name})
	n, _ := strconv.Atoi(v)
	return n
}

// throttling checks the HTTP API's default route throttling.
func (c checker) throttling() []string {
	var out []string
	for _, id := range c.tpl.OfType("AWS::Serverless::HttpApi") {
		s := mapping(c.tpl.Resources[id].Properties["DefaultRouteSettings"])
		for _, k := range []string{"ThrottlingRateLimit", "ThrottlingBurstLimit"} {
			if _, ok := mapping(s[k])["Ref"]; !ok {
				out = append(out, fmt.Sprintf("%s: DefaultRouteSettings.%s is not a parameter", id, k))
			}
		}
	}
	return out
}

// waitAlarms checks an alarm on each place work waits: the stream's
// iterator age for each stream consumer, the oldest message of each queue
// a function consumes, and each function's throttles.
func (c checker) waitAlarms() []string {
	var out []string
	for _, id := range c.tpl.Functions() {
		f, _ := c.tpl.Function(id)
		if !c.alarmed("AWS/Lambda", "Throttles", "FunctionName", map[string]any{"Ref": id}) {
			out = append(out, fmt.Sprintf("%s: no alarm on its Throttles", id))
		}
		if len(f.EventsOfType("DynamoDB")) > 0 && !c.alarmed("AWS/Lambda", "IteratorAge", "FunctionName", map[string]any{"Ref": id}) {
			out = append(out, fmt.Sprintf("%s: no alarm on its IteratorAge: a stuck stream would go unnoticed", id))
		}
		for _, name := range f.EventsOfType("SQS") {
			q, ok := c.getAttOf(f.Events[name].Properties["Queue"], "Arn", "AWS::SQS::Queue")
			if ok && !c.alarmed("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", map[string]any{"Fn::GetAtt": []any{q, "QueueName"}}) {
				out = append(out, fmt.Sprintf("%s: no alarm on its ApproximateAgeOfOldestMessage", q))
			}
		}
	}
	return out
}

// alarmTopic checks that every alarm tells the alarm topic, and that
// AlarmEmail, when given, is subscribed to it.
func (c checker) alarmTopic() []string {
	var out []string
	for _, id := range c.tpl.OfType("AWS::CloudWatch::Alarm") {
		if a := list(c.tpl.Resources[id].Properties["AlarmActions"]); len(a) != 1 || mapping(a[0])["Ref"] != "AlarmTopic" {
			out = append(out, fmt.Sprintf("%s: AlarmActions %v, want [!Ref AlarmTopic]", id, a))
		}
	}
	found := false
	for _, id := range c.tpl.OfType("AWS::SNS::Subscription") {
		r := c.tpl.Resources[id]
		p := r.Properties
		if mapping(p["TopicArn"])["Ref"] == "AlarmTopic" && mapping(p["Endpoint"])["Ref"] == "AlarmEmail" && p["Protocol"] == "email" {
			found = true
			if cond := c.tpl.Conditions[r.Condition]; r.Condition == "" || !strings.Contains(fmt.Sprint(cond), "AlarmEmail") {
				out = append(out, fmt.Sprintf("%s: subscribes AlarmEmail without a condition on it being set", id))
			}
		}
	}
	if !found {
		out = append(out, "no email subscription of parameter AlarmEmail to AlarmTopic")
	}
	return out
}

// dashboard checks that the dashboard's body is JSON once resolved, shows
// every alarm in an alarm widget, and draws a metric of every function,
// queue and HTTP API.
func (c checker) dashboard() []string {
	ids := c.tpl.OfType("AWS::CloudWatch::Dashboard")
	if len(ids) != 1 {
		return []string{fmt.Sprintf("%d dashboards, want 1", len(ids))}
	}
	id := ids[0]
	text, err := c.tpl.Resolve(c.tpl.Resources[id].Properties["DashboardBody"])
	if err != nil {
		return []string{fmt.Sprintf("%s: DashboardBody: %v", id, err)}
	}
	var body struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Alarms  []string `json:"alarms"`
				Metrics [][]any  `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(text), &body); err != nil {
		return []string{fmt.Sprintf("%s: DashboardBody is not JSON: %v", id, err)}
	}
	var alarms, drawn []string
	for _, w := range body.Widgets {
		alarms = append(alarms, w.Properties.Alarms...)
		for _, m := range w.Properties.Metrics {
			for _, v := range m {
				if s, ok := v.(string); ok {
					drawn = append(drawn, s)
				}
			}
		}
	}
	var out []string
	for _, a := range c.tpl.OfType("AWS::CloudWatch::Alarm") {
		arn, _ := c.tpl.Resolve(map[string]any{"Fn::GetAtt": []any{a, "Arn"}})
		if !slices.Contains(alarms, arn) {
			out = append(out, fmt.Sprintf("%s: alarm %s is not on its alarm widget", id, a))
		}
	}
	for _, typ := range []string{"AWS::Serverless::Function", "AWS::SQS::Queue", "AWS::Serverless::HttpApi"} {
		for _, r := range c.tpl.OfType(typ) {
			name, _ := c.tpl.Resolve(map[string]any{"Ref": r})
			if typ == "AWS::SQS::Queue" {
				name, _ = c.tpl.Resolve(map[string]any{"Fn::GetAtt": []any{r, "QueueName"}})
			}
			if !slices.Contains(drawn, name) {
				out = append(out, fmt.Sprintf("%s: no metric of %s", id, r))
			}
		}
	}
	return out
}

// tableSafety checks that the tickets table survives the stack and a
// stray DeleteTable, and that the stack can use an existing one instead.
func (c checker) tableSafety() []string {
	var out []string
	for _, id := range c.tpl.OfType("AWS::DynamoDB::Table") {
		r := c.tpl.Resources[id]
		if r.DeletionPolicy != "Retain" {
			out = append(out, fmt.Sprintf("%s: DeletionPolicy %q, want Retain", id, r.DeletionPolicy))
		}
		if r.Properties["DeletionProtectionEnabled"] != true {
			out = append(out, fmt.Sprintf("%s: DeletionProtectionEnabled is not true", id))
		}
		if cond := c.tpl.Conditions[r.Condition]; r.Condition == "" || !strings.Contains(fmt.Sprint(cond), "ExistingTableName") {
			out = append(out, fmt.Sprintf("%s: not conditional on ExistingTableName being empty: a restored table cannot be used", id))
		}
	}
	return out
}

// sweep checks that the sweep function runs on a schedule.
func (c checker) sweep() []string {
	f, err := c.tpl.Function("SweepFunction")
	if err != nil {
		return []string{err.Error()}
	}
	events := f.EventsOfType("Schedule")
	if len(events) != 1 {
		return []string{fmt.Sprintf("SweepFunction: %d Schedule events, want 1", len(events))}
	}
	if s, err := c.tpl.Resolve(f.Events[events[0]].Properties["Schedule"]); err != nil || !strings.HasPrefix(s, "rate(") {
		return []string{fmt.Sprintf("SweepFunction: Schedule %q (%v), want a rate of minutes", s, err)}
	}
	return nil
}
