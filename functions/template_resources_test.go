package functions_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/functions/internal/templatetest"
	"github.com/tierline/tierline/shared/store/dynamo"
)

// table compares the tickets table with the table the dynamo adapter
// needs (dynamo.TableInput) and ARCHITECTURE.md's settings.
func (c checker) table() []string {
	ids := c.tpl.OfType("AWS::DynamoDB::Table")
	if len(ids) != 1 {
		return []string{fmt.Sprintf("%d DynamoDB tables, want 1", len(ids))}
	}
	p := c.tpl.Resources[ids[0]].Properties
	want := dynamo.TableInput("x")
	var out []string
	bad := func(what string, got, want any) {
		out = append(out, fmt.Sprintf("%s: %s is %v, want %v (dynamo.TableInput)", ids[0], what, got, want))
	}
	var attrs, wantAttrs []string
	for _, a := range list(p["AttributeDefinitions"]) {
		m := mapping(a)
		attrs = append(attrs, fmt.Sprint(m["AttributeName"], " ", m["AttributeType"]))
	}
	for _, a := range want.AttributeDefinitions {
		wantAttrs = append(wantAttrs, aws.ToString(a.AttributeName)+" "+string(a.AttributeType))
	}
	sort.Strings(attrs)
	sort.Strings(wantAttrs)
	if !slices.Equal(attrs, wantAttrs) {
		bad("AttributeDefinitions", attrs, wantAttrs)
	}
	if got, w := keys(p["KeySchema"]), keySchema(want.KeySchema); got != w {
		bad("KeySchema", got, w)
	}
	var gsis, wantGSIs []string
	for _, g := range list(p["GlobalSecondaryIndexes"]) {
		m := mapping(g)
		proj := mapping(m["Projection"])
		gsis = append(gsis, fmt.Sprint(m["IndexName"], " ", keys(m["KeySchema"]), " ", proj["ProjectionType"], " ", list(proj["NonKeyAttributes"])))
	}
	for _, g := range want.GlobalSecondaryIndexes {
		nonKey := make([]any, len(g.Projection.NonKeyAttributes))
		for i, a := range g.Projection.NonKeyAttributes {
			nonKey[i] = a
		}
		wantGSIs = append(wantGSIs, fmt.Sprint(aws.ToString(g.IndexName), " ", keySchema(g.KeySchema), " ", g.Projection.ProjectionType, " ", nonKey))
	}
	if !slices.Equal(gsis, wantGSIs) {
		bad("GlobalSecondaryIndexes", gsis, wantGSIs)
	}
	if got := p["BillingMode"]; got != string(want.BillingMode) {
		bad("BillingMode", got, want.BillingMode)
	}
	if got := mapping(p["SSESpecification"])["SSEEnabled"]; got != aws.ToBool(want.SSESpecification.Enabled) {
		bad("SSESpecification.SSEEnabled", got, true)
	}
	if got := mapping(p["StreamSpecification"])["StreamViewType"]; got != string(want.StreamSpecification.StreamViewType) {
		bad("StreamSpecification.StreamViewType", got, want.StreamSpecification.StreamViewType)
	}
	if got := mapping(p["PointInTimeRecoverySpecification"])["PointInTimeRecoveryEnabled"]; got != true {
		bad("PointInTimeRecoveryEnabled", got, true)
	}
	ttl := mapping(p["TimeToLiveSpecification"])
	if ttl["AttributeName"] != dynamo.TTLAttribute || ttl["Enabled"] != true {
		bad("TimeToLiveSpecification", ttl, map[string]any{"AttributeName": dynamo.TTLAttribute, "Enabled": true})
	}
	return out
}

// eventSources checks the functions' triggers: queues whose visibility
// timeout is at least six times the consumer's timeout, a dead-letter
// queue behind each, partial batch failures reported, hand-offs passed on
// as soon as they are queued, the stream bisected and retried until its
// records expire, with a parking queue.
func (c checker) eventSources() []string {
	var out []string
	for _, id := range c.tpl.Functions() {
		f, _ := c.tpl.Function(id)
		for _, name := range f.EventsOfType("SQS") {
			e := f.Events[name].Properties
			if !slices.Contains(list(e["FunctionResponseTypes"]), any("ReportBatchItemFailures")) {
				out = append(out, fmt.Sprintf("%s: event %s does not report batch item failures", id, name))
			}
			if id == "NotifyFunction" {
				out = append(out, handOffBatches(id, name, e)...)
			}
			q, ok := c.getAttOf(e["Queue"], "Arn", "AWS::SQS::Queue")
			if !ok {
				out = append(out, fmt.Sprintf("%s: event %s: Queue is not GetAtt <queue>.Arn", id, name))
				continue
			}
			qp := c.tpl.Resources[q].Properties
			if vt, _ := qp["VisibilityTimeout"].(int); vt < 6*f.Timeout {
				out = append(out, fmt.Sprintf("%s: VisibilityTimeout %d is under six times %s's timeout of %ds", q, vt, id, f.Timeout))
			}
			redrive := mapping(qp["RedrivePolicy"])
			if _, ok := c.getAttOf(redrive["deadLetterTargetArn"], "Arn", "AWS::SQS::Queue"); !ok {
				out = append(out, fmt.Sprintf("%s: no RedrivePolicy to a dead-letter queue", q))
			} else if n, _ := redrive["maxReceiveCount"].(int); n < 1 {
				out = append(out, fmt.Sprintf("%s: RedrivePolicy.maxReceiveCount %v", q, redrive["maxReceiveCount"]))
			}
		}
		for _, name := range f.EventsOfType("DynamoDB") {
			e := f.Events[name].Properties
			if !slices.Contains(list(e["FunctionResponseTypes"]), any("ReportBatchItemFailures")) {
				out = append(out, fmt.Sprintf("%s: event %s does not report batch item failures", id, name))
			}
			if e["BisectBatchOnFunctionError"] != true {
				out = append(out, fmt.Sprintf("%s: event %s does not bisect a failing batch", id, name))
			}
			for _, k := range []string{"MaximumRetryAttempts", "MaximumRecordAgeInSeconds"} {
				if e[k] != -1 {
					out = append(out, fmt.Sprintf("%s: event %s: %s %v, want -1: retry until the stream drops the record, as dispatch parks the ones that will not succeed", id, name, k, e[k]))
				}
			}
			if _, ok := c.refOf(f.Environment["PARKING_QUEUE_URL"], "AWS::SQS::Queue"); !ok {
				out = append(out, fmt.Sprintf("%s: event %s: PARKING_QUEUE_URL is not a Ref to a queue where dispatch parks the records it cannot process", id, name))
			}
			if _, ok := c.getAttOf(c.choose(e["Stream"]), "StreamArn", "AWS::DynamoDB::Table"); !ok {
				out = append(out, fmt.Sprintf("%s: event %s: Stream is not the table's StreamArn", id, name))
			}
		}
	}
	return out
}

// handOffBatches checks that the tier queues hand their notices on at
// once: a batching window holds every page back, and a batch of more than
// 10 needs one.
func handOffBatches(id, name string, e map[string]any) []string {
	var out []string
	if w, _ := e["MaximumBatchingWindowInSeconds"].(int); w != 0 {
		out = append(out, fmt.Sprintf("%s: event %s waits %ds to fill a batch, and every page with it; want 0", id, name, w))
	}
	if b, _ := e["BatchSize"].(int); b < 1 || b > 10 {
		out = append(out, fmt.Sprintf("%s: event %s: BatchSize %v, want 1 to 10 (more needs a batching window)", id, name, e["BatchSize"]))
	}
	return out
}

// deadLetterAlarms checks that every queue that collects failures (a
// redrive target, the parking queue of stream records) has a depth alarm.
func (c checker) deadLetterAlarms() []string {
	var dead []string
	for _, id := range c.tpl.OfType("AWS::SQS::Queue") {
		if q, ok := c.getAttOf(mapping(c.tpl.Resources[id].Properties["RedrivePolicy"])["deadLetterTargetArn"], "Arn", "AWS::SQS::Queue"); ok {
			dead = append(dead, q)
		}
	}
	for _, id := range c.tpl.Functions() {
		f, _ := c.tpl.Function(id)
		if q, ok := c.refOf(f.Environment["PARKING_QUEUE_URL"], "AWS::SQS::Queue"); ok {
			dead = append(dead, q)
		}
	}
	var out []string
	for _, q := range dead {
		if !c.alarmed("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", map[string]any{"Fn::GetAtt": []any{q, "QueueName"}}) {
			out = append(out, fmt.Sprintf("%s collects failures but has no alarm on its depth", q))
		}
	}
	return out
}

// api checks the HTTP API events: payload format 2.0 (what the handler
// decodes) and an explicit integration timeout the function fits in.
func (c checker) api() []string {
	var out []string
	n := 0
	for _, id := range c.tpl.Functions() {
		f, _ := c.tpl.Function(id)
		for _, name := range f.EventsOfType("HttpApi") {
			n++
			e := f.Events[name].Properties
			if e["PayloadFormatVersion"] != "2.0" {
				out = append(out, fmt.Sprintf("%s: event %s: PayloadFormatVersion %v, want \"2.0\" (events.APIGatewayV2HTTPRequest)", id, name, e["PayloadFormatVersion"]))
			}
			ms, ok := e["TimeoutInMillis"].(int)
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s: event %s: set TimeoutInMillis explicitly (SAM's default is 5000)", id, name))
			case ms > 30000 || ms < f.Timeout*1000:
				out = append(out, fmt.Sprintf("%s: event %s: TimeoutInMillis %d, want between the function's %ds and API Gateway's 30s", id, name, ms, f.Timeout))
			}
		}
	}
	if n == 0 {
		out = append(out, "no function has an HttpApi event")
	}
	return out
}

// timers checks the escalation timers: one schedule group that every
// function creating schedules names, escalate as the target by its ARN, a
// role Scheduler can assume that may invoke escalate and send to the
// timers' dead letters, the same dead letters (alarmed) behind escalate's
// own async retries, and dispatch reading the stream in parallel.
func (c checker) timers() []string {
	groups := c.tpl.OfType("AWS::Scheduler::ScheduleGroup")
	if len(groups) != 1 {
		return []string{fmt.Sprintf("%d schedule groups, want 1", len(groups))}
	}
	var out []string
	dlq := ""
	for _, id := range []string{"DispatchFunction", "EscalateFunction", "SweepFunction"} {
		f, err := c.tpl.Function(id)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		if g, ok := c.refOf(f.Environment["SCHEDULE_GROUP"], "AWS::Scheduler::ScheduleGroup"); !ok || g != groups[0] {
			out = append(out, fmt.Sprintf("%s: SCHEDULE_GROUP is not a Ref to %s", id, groups[0]))
		}
		q, ok := c.getAttOf(f.Environment["TIMER_DLQ_ARN"], "Arn", "AWS::SQS::Queue")
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: TIMER_DLQ_ARN is not GetAtt <queue>.Arn", id))
		case dlq == "":
			dlq = q
		case q != dlq:
			out = append(out, fmt.Sprintf("%s: TIMER_DLQ_ARN is %s, not %s", id, q, dlq))
		}
		if _, has := f.Environment["ESCALATE_FUNCTION_ARN"]; id != "EscalateFunction" || has {
			if fn, ok := c.getAttOf(f.Environment["ESCALATE_FUNCTION_ARN"], "Arn", "AWS::Serverless::Function"); !ok || fn != "EscalateFunction" {
				out = append(out, fmt.Sprintf("%s: ESCALATE_FUNCTION_ARN is not GetAtt EscalateFunction.Arn", id))
			}
		}
		out = append(out, c.schedulerRole(id, f.Environment["SCHEDULER_ROLE_ARN"], dlq)...)
	}
	if dlq != "" && !c.alarmed("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", map[string]any{"Fn::GetAtt": []any{dlq, "QueueName"}}) {
		out = append(out, fmt.Sprintf("%s collects failed escalation steps but has no alarm on its depth", dlq))
	}
	esc, _ := c.tpl.Function("EscalateFunction")
	if esc != nil {
		onFailure := mapping(mapping(mapping(c.tpl.Resources["EscalateFunction"].Properties["EventInvokeConfig"])["DestinationConfig"])["OnFailure"])
		if q, ok := c.getAttOf(onFailure["Destination"], "Arn", "AWS::SQS::Queue"); !ok || q != dlq {
			out = append(out, fmt.Sprintf("EscalateFunction: EventInvokeConfig OnFailure is not the timers' dead letters %s", dlq))
		}
	}
	if d, _ := c.tpl.Function("DispatchFunction"); d != nil {
		for _, name := range d.EventsOfType("DynamoDB") {
			if n, _ := d.Events[name].Properties["ParallelizationFactor"].(int); n < 2 {
				out = append(out, fmt.Sprintf("DispatchFunction: event %s: ParallelizationFactor %v, want more than 1 so a burst of new tickets is dispatched in seconds", name, d.Events[name].Properties["ParallelizationFactor"]))
			}
		}
	}
	return out
}

// schedulerRole checks the role fn hands to Scheduler: one Scheduler may
// assume, allowed to invoke escalate and to send to the dead letters dlq.
func (c checker) schedulerRole(fn string, v any, dlq string) []string {
	role, ok := c.getAttOf(v, "Arn", "AWS::IAM::Role")
	if !ok {
		return []string{fmt.Sprintf("%s: SCHEDULER_ROLE_ARN is not GetAtt <role>.Arn", fn)}
	}
	var out []string
	trust := mapping(c.tpl.Resources[role].Properties["AssumeRolePolicyDocument"])
	if !slices.ContainsFunc(list(trust["Statement"]), func(s any) bool {
		return slices.Contains(list(mapping(mapping(s)["Principal"])["Service"]), any("scheduler.amazonaws.com"))
	}) {
		out = append(out, fmt.Sprintf("%s: scheduler.amazonaws.com may not assume it", role))
	}
	stmts, err := c.tpl.Statements(role)
	if err != nil {
		return append(out, err.Error())
	}
	esc, _ := c.tpl.Resolve(map[string]any{"Fn::GetAtt": []any{"EscalateFunction", "Arn"}})
	if !slices.ContainsFunc(stmts, func(s templatetest.Statement) bool { return s.Allows("lambda:InvokeFunction", esc) }) {
		out = append(out, fmt.Sprintf("%s: its policies do not allow invoking EscalateFunction", role))
	}
	if dlq != "" {
		q, _ := c.tpl.Resolve(map[string]any{"Fn::GetAtt": []any{dlq, "Arn"}})
		if !slices.ContainsFunc(stmts, func(s templatetest.Statement) bool { return s.Allows("sqs:SendMessage", q) }) {
			out = append(out, fmt.Sprintf("%s: its policies do not allow sending to the dead letters %s", role, dlq))
		}
	}
	return out
}

// outputs checks that the stack tells users where to send things.
func (c checker) outputs() []string {
	var out []string
	for _, name := range []string{"ApiUrl", "ExecuteApiUrl", "HookUrl", "SnsHookUrl", "PagerDutyEventsUrl", "OpsgenieAlertsUrl", "FormsUrl", "TicketsUrl",
		"L1TopicArn", "L2TopicArn", "L3TopicArn", "AlarmTopicArn", "DashboardUrl", "ReplayCommand"} {
		o, ok := c.tpl.Outputs[name]
		if !ok {
			out = append(out, "no output "+name)
			continue
		}
		v, err := c.tpl.Resolve(mapping(o)["Value"])
		if err == nil && strings.HasSuffix(name, "Url") && !strings.HasPrefix(v, "https://") {
			out = append(out, fmt.Sprintf("output %s is %q, want an https URL", name, v))
		}
	}
	return out
}

// getAttOf reports which resource of typ v reads attr of, if v is a
// GetAtt of one.
func (c checker) getAttOf(v any, attr, typ string) (string, bool) {
	l := list(mapping(v)["Fn::GetAtt"])
	if len(l) != 2 || l[1] != attr {
		return "", false
	}
	id, _ := l[0].(string)
	r, ok := c.tpl.Resources[id]
	return id, ok && r.Type == typ
}

// choose is v, or the branch its Fn::If takes under the parameters'
// defaults.
func (c checker) choose(v any) any {
	b, err := c.tpl.Choose(v)
	if err != nil {
		return v
	}
	return b
}

// refOf reports which resource of typ v is a Ref to, if it is one.
func (c checker) refOf(v any, typ string) (string, bool) {
	id, _ := mapping(v)["Ref"].(string)
	r, ok := c.tpl.Resources[id]
	return id, ok && r.Type == typ
}

func keys(v any) string {
	var parts []string
	for _, k := range list(v) {
		m := mapping(k)
		parts = append(parts, fmt.Sprint(m["AttributeName"], " ", m["KeyType"]))
	}
	return strings.Join(parts, ", ")
}

func keySchema(ks []types.KeySchemaElement) string {
	var parts []string
	for _, k := range ks {
		parts = append(parts, aws.ToString(k.AttributeName)+" "+string(k.KeyType))
	}
	return strings.Join(parts, ", ")
}

func mapping(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}
