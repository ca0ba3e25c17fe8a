package templatetest

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The fake account every template is resolved in. A resource's physical
// name there is the stack name, a dash and its logical ID.
const (
	Partition = "aws"
	Region    = "us-east-1"
	Account   = "123456789012"
	Stack     = "tierline"
	URLSuffix = "amazonaws.com"
)

// PhysicalName is the name resource id gets in the fake account.
func PhysicalName(id string) string { return Stack + "-" + id }

func arn(service, rest string) string {
	return "arn:" + Partition + ":" + service + ":" + Region + ":" + Account + ":" + rest
}

// kind is what the resolver knows of a resource type: what Ref returns and
// which attributes GetAtt may read, from the resource's physical name.
type kind struct {
	ref   func(name string) string
	attrs map[string]func(name string) string
}

var kinds = map[string]kind{
	"AWS::DynamoDB::Table": {ref: same, attrs: map[string]func(string) string{
		"Arn":       func(n string) string { return arn("dynamodb", "table/"+n) },
		"StreamArn": func(n string) string { return arn("dynamodb", "table/"+n+"/stream/2026-01-01T00:00:00.000") },
	}},
	"AWS::SQS::Queue": {ref: queueURL, attrs: map[string]func(string) string{
		"Arn":       func(n string) string { return arn("sqs", n) },
		"QueueName": same,
		"QueueUrl":  queueURL,
	}},
	"AWS::SNS::Topic": {ref: topicARN, attrs: map[string]func(string) string{
		"TopicArn":  topicARN,
		"TopicName": same,
	}},
	"AWS::Serverless::Function": {ref: same, attrs: map[string]func(string) string{
		"Arn": func(n string) string { return arn("lambda", "function:"+n) },
	}},
	"AWS::Scheduler::ScheduleGroup": {ref: same, attrs: map[string]func(string) string{
		"Arn": func(n string) string { return arn("scheduler", "schedule-group/"+n) },
	}},
	"AWS::IAM::Role": {ref: same, attrs: map[string]func(string) string{
		"Arn": func(n string) string { return "arn:" + Partition + ":iam::" + Account + ":role/" + n },
	}},
	"AWS::IAM::Policy": {ref: same, attrs: map[string]func(string) string{}},
	"AWS::Serverless::HttpApi": {ref: apiID, attrs: map[string]func(string) string{
		"ApiEndpoint": func(n string) string { return "https://" + apiID(n) + ".execute-api." + Region + "." + URLSuffix },
	}},
	"AWS::Logs::LogGroup": {ref: same, attrs: map[string]func(string) string{
		"Arn": func(n string) string { return arn("logs", "log-group:"+n+":*") },
	}},
	"AWS::IAM::ManagedPolicy": {ref: func(n string) string { return "arn:" + Partition + ":iam::" + Account + ":policy/" + n },
		attrs: map[string]func(string) string{}},
	"AWS::CloudWatch::Alarm": {ref: same, attrs: map[string]func(string) string{
		"Arn": func(n string) string { return arn("cloudwatch", "alarm:"+n) },
	}},
	"AWS::CloudWatch::Dashboard": {ref: same, attrs: map[string]func(string) string{}},
	"AWS::ApiGatewayV2::DomainName": {ref: same, attrs: map[string]func(string) string{
		"RegionalDomainName":   func(n string) string { return "d-" + apiID(n) + ".execute-api." + Region + "." + URLSuffix },
		"RegionalHostedZoneId": func(string) string { return "Z1UJRXOUMOOFQ8" },
	}},
	"AWS::ApiGatewayV2::ApiMapping": {ref: same, attrs: map[string]func(string) string{}},
	"AWS::Route53::RecordSet":       {ref: same, attrs: map[string]func(string) string{}},
	"AWS::SNS::Subscription":        {ref: func(n string) string { return topicARN(n) + ":00000000-0000-0000-0000-000000000000" }, attrs: map[string]func(string) string{}},
}

func same(n string) string { return n }
func queueURL(n string) string {
	return "https://sqs." + Region + "." + URLSuffix + "/" + Account + "/" + n
}
func topicARN(n string) string { return arn("sns", n) }
func apiID(n string) string    { return strings.ToLower(strings.ReplaceAll(n, "-", "")) }

var pseudo = map[string]string{
	"AWS::Partition": Partition, "AWS::Region": Region, "AWS::AccountId": Account,
	"AWS::StackName": Stack, "AWS::URLSuffix": URLSuffix,
	"AWS::StackId": arn("cloudformation", "stack/"+Stack+"/00000000-0000-0000-0000-000000000000"),
}

// Resolve evaluates v in the fake account: a string as is, Ref, GetAtt,
// Sub, Join and If (by the template's conditions). A Ref or GetAtt to
// nothing or to a resource its condition leaves out, an attribute the
// resource type does not have, or an intrinsic it does not know is an
// error. A Ref to AWS::NoValue resolves to "".
func (t *Template) Resolve(v any) (string, error) {
	s, err := t.resolve(v)
	if errors.Is(err, errNoValue) {
		return "", nil
	}
	return s, err
}

func (t *Template) resolve(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case int:
		return strconv.Itoa(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case map[string]any:
		if len(v) != 1 {
			break
		}
		for fn, arg := range v {
			switch fn {
			case "Ref":
				name, _ := arg.(string)
				return t.ref(name)
			case "Fn::GetAtt":
				l := list(arg)
				if len(l) != 2 {
					return "", fmt.Errorf("Fn::GetAtt %v: want [resource, attribute]", arg)
				}
				res, _ := l[0].(string)
				attr, _ := l[1].(string)
				return t.getAtt(res, attr)
			case "Fn::Sub":
				return t.sub(arg)
			case "Fn::Join":
				return t.join(arg)
			case "Fn::If":
				branch, err := t.choose(arg)
				if err != nil {
					return "", err
				}
				return t.resolve(branch)
			}
			return "", fmt.Errorf("intrinsic %s is not supported by this checker", fn)
		}
	}
	return "", fmt.Errorf("cannot resolve %v to a string", v)
}

// ResolveList resolves a value that may be one item or a list.
func (t *Template) ResolveList(v any) ([]string, error) {
	var out []string
	for _, item := range list(v) {
		s, err := t.Resolve(item)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (t *Template) ref(name string) (string, error) {
	if name == "AWS::NoValue" {
		return "", errNoValue
	}
	if v, ok := pseudo[name]; ok {
		return v, nil
	}
	if p, ok := t.Parameters[name]; ok {
		d, ok := p["Default"]
		if !ok {
			return "", fmt.Errorf("!Ref %s: the parameter has no Default to resolve with", name)
		}
		return t.Resolve(d)
	}
	r, ok := t.Resources[name]
	if !ok {
		return "", fmt.Errorf("!Ref %s: no parameter or resource of that name", name)
	}
	if err := t.created(r); err != nil {
		return "", fmt.Errorf("!Ref %s: %w", name, err)
	}
	k, ok := kinds[r.Type]
	if !ok {
		return "", fmt.Errorf("!Ref %s: resource type %s is unknown to this checker", name, r.Type)
	}
	return k.ref(PhysicalName(name)), nil
}

func (t *Template) getAtt(res, attr string) (string, error) {
	r, ok := t.Resources[res]
	if !ok {
		return "", fmt.Errorf("GetAtt %s.%s: no resource %s", res, attr, res)
	}
	if err := t.created(r); err != nil {
		return "", fmt.Errorf("GetAtt %s.%s: %w", res, attr, err)
	}
	k, ok := kinds[r.Type]
	if !ok {
		return "", fmt.Errorf("GetAtt %s.%s: resource type %s is unknown to this checker", res, attr, r.Type)
	}
	f, ok := k.attrs[attr]
	if !ok {
		var known []string
		for a := range k.attrs {
			known = append(known, a)
		}
		sort.Strings(known)
		return "", fmt.Errorf("GetAtt %s.%s: %s has no attribute %s (it has %s)", res, attr, r.Type, attr, strings.Join(known, ", "))
	}
	return f(PhysicalName(res)), nil
}

// created refuses a resource its condition leaves out of the stack.
func (t *Template) created(r *Resource) error {
	if r.Condition == "" {
		return nil
	}
	ok, err := t.Condition(r.Condition)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("resource %s is not created: its condition %s is false", r.ID, r.Condition)
	}
	return nil
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

func (t *Template) sub(arg any) (string, error) {
	var tmpl string
	vars := map[string]any{}
	switch a := arg.(type) {
	case string:
		tmpl = a
	case []any:
		if len(a) != 2 {
			return "", fmt.Errorf("Fn::Sub %v: want a string or [string, variables]", arg)
		}
		tmpl, _ = a[0].(string)
		vars = mapping(a[1])
	default:
		return "", fmt.Errorf("Fn::Sub %v: want a string or [string, variables]", arg)
	}
	var failed error
	out := subVar.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}"
		}
		var s string
		var err error
		if v, ok := vars[name]; ok {
			s, err = t.Resolve(v)
		} else if res, attr, dotted := strings.Cut(name, "."); dotted {
			s, err = t.getAtt(res, attr)
		} else {
			s, err = t.ref(name)
		}
		if err != nil && failed == nil {
			failed = fmt.Errorf("Fn::Sub %q: %w", tmpl, err)
		}
		return s
	})
	return out, failed
}

func (t *Template) join(arg any) (string, error) {
	a := list(arg)
	if len(a) != 2 {
		return "", fmt.Errorf("Fn::Join %v: want [delimiter, list]", arg)
	}
	delim, _ := a[0].(string)
	parts, err := t.ResolveList(a[1])
	if err != nil {
		return "", err
	}
	return strings.Join(parts, delim), nil
}

// Intrinsics returns every intrinsic function in v, outermost first, with
// a path naming where it is, so that a check can resolve each one.
func Intrinsics(path string, v any, each func(path string, fn map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k := range v {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					each(path, v)
					return
				}
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			Intrinsics(path+"."+k, v[k], each)
		}
	case []any:
		for i, item := range v {
			Intrinsics(fmt.Sprintf("%s[%d]", path, i), item, each)
		}
	}
}

// CheckReferences resolves every intrinsic of the template's resources,
// globals and outputs and returns one problem per intrinsic that does not
// resolve: a Ref or GetAtt to nothing, a missing attribute, an unknown
// intrinsic.
func (t *Template) CheckReferences() []string {
	var problems []string
	check := func(path string, v any) {
		Intrinsics(path, v, func(path string, fn map[string]any) {
			if _, err := t.Resolve(fn); err != nil {
				problems = append(problems, path+": "+err.Error())
			}
		})
	}
	check("Globals", t.Globals)
	ids := make([]string, 0, len(t.Resources))
	for id := range t.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := t.Resources[id]
		created, err := t.Created(id)
		if err != nil {
			problems = append(problems, fmt.Sprintf("Resources.%s (line %d).Condition: %v", id, r.Line, err))
			continue
		}
		if created {
			check(fmt.Sprintf("Resources.%s (line %d).Properties", id, r.Line), r.Properties)
		}
	}
	names := make([]string, 0, len(t.Outputs))
	for name := range t.Outputs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		o := mapping(t.Outputs[name])
		if cond, _ := o["Condition"].(string); cond != "" {
			if ok, err := t.Condition(cond); err != nil || !ok {
				if err != nil {
					problems = append(problems, fmt.Sprintf("Outputs.%s.Condition: %v", name, err))
				}
				continue
			}
		}
		check("Outputs."+name, o["Value"])
	}
	return problems
}
