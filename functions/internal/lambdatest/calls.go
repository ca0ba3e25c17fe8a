package lambdatest

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go/middleware"

	"github.com/tierline/tierline/functions/internal/templatetest"
)

// Call is one permission a request needs: an IAM action on a resource,
// named in sam's fake account.
type Call struct {
	Action   string // "dynamodb:PutItem"
	Resource string // "arn:aws:dynamodb:us-east-1:123456789012:table/tierline-TicketsTable"
	// Via is the service that makes the call on the function's behalf
	// ("ssm.us-east-1.amazonaws.com" decrypting a SecureString with KMS),
	// which a kms:ViaService condition matches, or the service a role is
	// passed to (iam:PassedToService); "" for the function's own.
	Via string
}

func (c Call) String() string {
	if c.Via != "" {
		return c.Action + " on " + c.Resource + " via " + c.Via
	}
	return c.Action + " on " + c.Resource
}

// Calls records the permissions the requests of SDK clients need, from
// each request's input: the operation is the action (a transaction is its
// items' actions, as IAM authorizes it), the table, queue, topic, state
// or schedule it names is the resource. Add Middleware to the
// clients of the adapters a handler uses, replay the handler's events, then
// hand List to CheckPolicies. Safe for concurrent use.
type Calls struct {
	mu   sync.Mutex
	seen map[Call]bool
}

// iamPrefix maps SDK service IDs to IAM service prefixes.
var iamPrefix = map[string]string{"DynamoDB": "dynamodb", "SQS": "sqs", "SNS": "sns", "Scheduler": "scheduler", "SSM": "ssm", "Secrets Manager": "secretsmanager"}

// iamAction maps the operations whose IAM action has another name.
var iamAction = map[string]string{"sqs:SendMessageBatch": "sqs:SendMessage", "sqs:DeleteMessageBatch": "sqs:DeleteMessage"}

// Middleware returns the SDK middleware that records.
func (c *Calls) Middleware() func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("lambdatest.Calls",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c.record(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), in.Parameters)
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	}
}

func (c *Calls) record(service, op string, params any) {
	prefix := iamPrefix[service]
	if prefix == "" {
		prefix = strings.ToLower(service)
	}
	var calls []Call
	switch in := params.(type) {
	case *dynamodb.TransactWriteItemsInput:
		for _, it := range in.TransactItems {
			switch {
			case it.Put != nil:
				calls = append(calls, Call{"dynamodb:PutItem", tableARN(deref(it.Put.TableName), ""), ""})
			case it.Update != nil:
				calls = append(calls, Call{"dynamodb:UpdateItem", tableARN(deref(it.Update.TableName), ""), ""})
			case it.Delete != nil:
				calls = append(calls, Call{"dynamodb:DeleteItem", tableARN(deref(it.Delete.TableName), ""), ""})
			case it.ConditionCheck != nil:
				calls = append(calls, Call{"dynamodb:ConditionCheckItem", tableARN(deref(it.ConditionCheck.TableName), ""), ""})
			}
		}
	case *dynamodb.TransactGetItemsInput:
		for _, it := range in.TransactItems {
			calls = append(calls, Call{"dynamodb:GetItem", tableARN(deref(it.Get.TableName), ""), ""})
		}
	case *dynamodb.BatchWriteItemInput:
		for table := range in.RequestItems {
			calls = append(calls, Call{"dynamodb:BatchWriteItem", tableARN(table, ""), ""})
		}
	case *dynamodb.BatchGetItemInput:
		for table := range in.RequestItems {
			calls = append(calls, Call{"dynamodb:BatchGetItem", tableARN(table, ""), ""})
		}
	case *ssm.GetParametersInput:
		calls = parameterCalls(in.Names, aws.ToBool(in.WithDecryption))
	case *secretsmanager.BatchGetSecretValueInput:
		calls = append(secretCalls(in.SecretIdList), Call{"secretsmanager:BatchGetSecretValue", "*", ""})
	case *secretsmanager.GetSecretValueInput:
		calls = secretCalls([]string{aws.ToString(in.SecretId)})
	case *scheduler.CreateScheduleInput:
		// Creating a schedule passes its target's role to Scheduler, which
		// IAM authorizes as iam:PassRole by the caller.
		calls = append(calls, Call{"scheduler:CreateSchedule", scheduleARN(in.GroupName, in.Name), ""})
		if in.Target != nil {
			calls = append(calls, Call{"iam:PassRole", aws.ToString(in.Target.RoleArn), "scheduler.amazonaws.com"})
		}
	default:
		action := prefix + ":" + op
		if a, ok := iamAction[action]; ok {
			action = a
		}
		calls = append(calls, Call{action, resourceOf(prefix, params), ""})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[Call]bool{}
	}
	for _, call := range calls {
		c.seen[call] = true
	}
}

// List returns the calls recorded, sorted.
func (c *Calls) List() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Call, 0, len(c.seen))
	for call := range c.seen {
		out = append(out, call)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// resourceOf finds the resource a request names, by the input's field.
func resourceOf(prefix string, params any) string {
	v := reflect.Indirect(reflect.ValueOf(params))
	field := func(name string) string {
		if v.Kind() != reflect.Struct {
			return ""
		}
		f := v.FieldByName(name)
		if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() || f.Elem().Kind() != reflect.String {
			return ""
		}
		return f.Elem().String()
	}
	switch prefix {
	case "dynamodb":
		return tableARN(field("TableName"), field("IndexName"))
	case "sqs":
		u, err := url.Parse(field("QueueUrl"))
		if err != nil {
			return ""
		}
		return "arn:" + templatetest.Partition + ":sqs:" + templatetest.Region + ":" + templatetest.Account + ":" + path.Base(u.Path)
	case "sns":
		return normaliseARN(field("TopicArn"))
	case "scheduler":
		if name := field("Name"); name != "" { // ListSchedules names none: it is authorized on "*"
			return scheduleARN(aws.String(field("GroupName")), aws.String(name))
		}
	}
	return "*"
}

// scheduleARN is the ARN of a schedule in a group ("default" if none).
func scheduleARN(group, name *string) string {
	g := aws.ToString(group)
	if g == "" {
		g = "default"
	}
	return "arn:" + templatetest.Partition + ":scheduler:" + templatetest.Region + ":" + templatetest.Account + ":schedule/" + g + "/" + aws.ToString(name)
}

func tableARN(table, index string) string {
	a := "arn:" + templatetest.Partition + ":dynamodb:" + templatetest.Region + ":" + templatetest.Account + ":table/" + table
	if index != "" {
		a += "/index/" + index
	}
	return a
}

// normaliseARN puts an ARN of a local stand-in (fauxqs' account
// 000000000000, say) into the fake account.
func normaliseARN(a string) string {
	parts := strings.SplitN(a, ":", 6)
	if len(parts) != 6 {
		return a
	}
	parts[1], parts[3], parts[4] = templatetest.Partition, templatetest.Region, templatetest.Account
	return strings.Join(parts, ":")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// PolicyProblems compares a function's recorded calls with its policies in
// tpl: a call no statement allows is a problem, and so is a statement that
// allows none of the calls, or an action of an inline statement that no
// call needs (a SAM policy template's actions come as a set).
func PolicyProblems(tpl *templatetest.Template, id string, calls []Call) []string {
	stmts, err := tpl.Statements(id)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	used := make([]map[string]bool, len(stmts))
	for i := range used {
		used[i] = map[string]bool{}
	}
	for _, call := range calls {
		allowed := false
		for i, s := range stmts {
			for _, a := range s.Actions {
				one := templatetest.Statement{Actions: []string{a}, Resources: s.Resources, Via: s.Via}
				if one.AllowsVia(call.Action, call.Resource, call.Via) {
					allowed, used[i][a] = true, true
				}
			}
		}
		if !allowed {
			problems = append(problems, fmt.Sprintf("%s calls %s, which none of its policies allows", id, call))
		}
	}
	for i, s := range stmts {
		switch {
		case len(used[i]) == 0:
			problems = append(problems, fmt.Sprintf("%s: %s (%v on %v) allows nothing the function was seen to call; remove it or replay an event that needs it",
				id, s.Source, s.Actions, s.Resources))
		case strings.HasPrefix(s.Source, id+" Policies[") && strings.Contains(s.Source, " Statement"):
			for _, a := range s.Actions {
				if !used[i][a] {
					problems = append(problems, fmt.Sprintf("%s: %s allows %s, which the function was not seen to call; remove it", id, s.Source, a))
				}
			}
		}
	}
	return problems
}

// CheckPolicies fails tb with PolicyProblems of the repository's template,
// and shows that the check bites: with any one entry of the function's
// Policies taken away, some recorded call must be refused (no entry is
// redundant, and a template missing it would fail this test).
func CheckPolicies(tb testing.TB, id string, calls []Call) {
	tb.Helper()
	if len(calls) == 0 {
		tb.Fatalf("%s: no AWS calls were recorded; the replay did not reach the adapters", id)
	}
	tpl := Template(tb)
	for _, p := range PolicyProblems(tpl, id, calls) {
		tb.Error(p)
	}
	stmts, err := tpl.Statements(id)
	if err != nil {
		tb.Fatal(err)
	}
	entries := map[string]bool{}
	for _, s := range stmts {
		entries[entry(s.Source)] = true
	}
	for e := range entries {
		var rest []templatetest.Statement
		for _, s := range stmts {
			if entry(s.Source) != e {
				rest = append(rest, s)
			}
		}
		refused := false
		for _, call := range calls {
			if !slices.ContainsFunc(rest, func(s templatetest.Statement) bool { return s.AllowsVia(call.Action, call.Resource, call.Via) }) {
				refused = true
				break
			}
		}
		if !refused {
			tb.Errorf("%s: without %s every recorded call is still allowed: it is redundant, or the replay misses what needs it", id, e)
		}
	}
	tb.Logf("%s: %d calls checked against %d policy entries: %v", id, len(calls), len(entries), calls)
}

// entry names the Policies entry a statement came from: "Fn Policies[2]".
func entry(source string) string {
	if i := strings.Index(source, "]"); i >= 0 {
		return source[:i+1]
	}
	return source
}
