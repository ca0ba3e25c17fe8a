package templatetest

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Statement is one Allow statement of a resource's policies, resolved in
// the fake account.
type Statement struct {
	Source    string // which entry of Policies it came from, for messages
	Actions   []string
	Resources []string
	// Via holds the services of a StringEquals kms:ViaService condition:
	// the statement allows only what AWS does on the function's behalf
	// through one of them (kms:Decrypt by SSM, say), or the StringEquals
	// iam:PassedToService of an iam:PassRole statement: the services the
	// role may be passed to. Empty: no condition.
	Via []string
}

// policyTemplate is a SAM policy template: the parameter it takes and the
// statements it expands to, given the parameter's resolved value. The
// definitions follow SAM's policy_templates.json; only the templates
// tierline might use are here, and an unknown one is an error.
type policyTemplate struct {
	param  string
	expand func(v string) []Statement
}

var policyTemplates = map[string]policyTemplate{
	"DynamoDBCrudPolicy": {"TableName", func(v string) []Statement {
		return []Statement{{Actions: []string{"dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan",
			"dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem",
			"dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"},
			Resources: []string{arn("dynamodb", "table/"+v), arn("dynamodb", "table/"+v+"/index/*")}}}
	}},
	"DynamoDBReadPolicy": {"TableName", func(v string) []Statement {
		return []Statement{{Actions: []string{"dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"},
			Resources: []string{arn("dynamodb", "table/"+v), arn("dynamodb", "table/"+v+"/index/*")}}}
	}},
	"SQSSendMessagePolicy": {"QueueName", func(v string) []Statement {
		return []Statement{{Actions: []string{"sqs:SendMessage*"}, Resources: []string{arn("sqs", v)}}}
	}},
	"SQSPollerPolicy": {"QueueName", func(v string) []Statement {
		return []Statement{{Actions: []string{"sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage",
			"sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}, Resources: []string{arn("sqs", v)}}}
	}},
	"SNSPublishMessagePolicy": {"TopicName", func(v string) []Statement {
		return []Statement{{Actions: []string{"sns:Publish"}, Resources: []string{arn("sns", v)}}}
	}},
	"LambdaInvokePolicy": {"FunctionName", func(v string) []Statement {
		return []Statement{{Actions: []string{"lambda:InvokeFunction"}, Resources: []string{arn("lambda", "function:"+v+"*")}}}
	}},
}

// Statements expands the Policies of a function (SAM policy templates by
// the table above, inline Statement lists as written, and a Ref to an
// AWS::IAM::ManagedPolicy of the template as its statements) or of a role
// (its inline Policies and every AWS::IAM::Policy of the template that
// names it in Roles). AWS managed policies and Deny statements are not supported.
func (t *Template) Statements(id string) ([]Statement, error) {
	r, ok := t.Resources[id]
	if !ok {
		return nil, fmt.Errorf("no resource %s", id)
	}
	var policies []any
	switch r.Type {
	case "AWS::Serverless::Function":
		f, err := t.Function(id)
		if err != nil {
			return nil, err
		}
		policies = f.Policies
	case "AWS::IAM::Role":
		return t.roleStatements(id)
	default:
		return nil, fmt.Errorf("%s is a %s, which has no Policies", id, r.Type)
	}
	var out []Statement
	for i, p := range policies {
		stmts, err := t.expand(p)
		if err != nil {
			return nil, fmt.Errorf("%s: Policies[%d]: %w", id, i, err)
		}
		for _, s := range stmts {
			s.Source = fmt.Sprintf("%s Policies[%d] %s", id, i, s.Source)
			out = append(out, s)
		}
	}
	return out, nil
}

func (t *Template) expand(p any) ([]Statement, error) {
	m, ok := p.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, fmt.Errorf("%v: want a policy template {Name: {Param: value}} or {Statement: [...]}", p)
	}
	for name, arg := range m {
		switch name {
		case "Statement":
			return t.inline(arg)
		case "Ref":
			return t.managedPolicy(arg)
		}
		pt, ok := policyTemplates[name]
		if !ok {
			return nil, fmt.Errorf("policy template %s is unknown to this checker; add its definition to templatetest/policy.go", name)
		}
		v, ok := mapping(arg)[pt.param]
		if !ok {
			return nil, fmt.Errorf("%s needs %s", name, pt.param)
		}
		s, err := t.Resolve(v)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", name, pt.param, err)
		}
		stmts := pt.expand(s)
		for i := range stmts {
			stmts[i].Source = name
		}
		return stmts, nil
	}
	return nil, nil
}

// roleStatements gathers what a role of the template allows: its inline
// policies, and the AWS::IAM::Policy resources attached to it, which a
// template uses to break a cycle between the role and what it acts on.
func (t *Template) roleStatements(id string) ([]Statement, error) {
	var docs []any
	var sources []string
	for i, p := range list(t.Resources[id].Properties["Policies"]) {
		docs = append(docs, mapping(p)["PolicyDocument"])
		sources = append(sources, fmt.Sprintf("%s Policies[%d]", id, i))
	}
	for _, pid := range t.OfType("AWS::IAM::Policy") {
		p := t.Resources[pid].Properties
		if slices.ContainsFunc(list(p["Roles"]), func(r any) bool { return mapping(r)["Ref"] == id }) {
			docs = append(docs, p["PolicyDocument"])
			sources = append(sources, pid)
		}
	}
	var out []Statement
	for i, doc := range docs {
		stmts, err := t.inline(mapping(doc)["Statement"])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sources[i], err)
		}
		for _, s := range stmts {
			s.Source = sources[i] + " " + s.Source
			out = append(out, s)
		}
	}
	return out, nil
}

// managedPolicy expands a Ref to a managed policy of the template.
func (t *Template) managedPolicy(ref any) ([]Statement, error) {
	id, _ := ref.(string)
	r, ok := t.Resources[id]
	if !ok || r.Type != "AWS::IAM::ManagedPolicy" {
		return nil, fmt.Errorf("a Ref to %v: want an AWS::IAM::ManagedPolicy of the template; other managed policies are unknown to this checker", ref)
	}
	stmts, err := t.inline(mapping(r.Properties["PolicyDocument"])["Statement"])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	for i := range stmts {
		stmts[i].Source = id + " " + stmts[i].Source
	}
	return stmts, nil
}

// viaServices reads a statement's Condition: only StringEquals on
// kms:ViaService (the service that calls on the function's behalf) or on
// iam:PassedToService (the service a role is passed to) is modelled, and
// anything else is an error rather than a condition silently ignored.
func (t *Template) viaServices(cond any) ([]string, error) {
	if cond == nil {
		return nil, nil
	}
	eq := mapping(mapping(cond)["StringEquals"])
	for _, key := range []string{"kms:ViaService", "iam:PassedToService"} {
		if len(mapping(cond)) == 1 && len(eq) == 1 && eq[key] != nil {
			return t.ResolveList(eq[key])
		}
	}
	return nil, fmt.Errorf("the condition %v is unknown to this checker: it models StringEquals on kms:ViaService or iam:PassedToService only", cond)
}

func (t *Template) inline(v any) ([]Statement, error) {
	var out []Statement
	for i, s := range list(v) {
		m := mapping(s)
		if m["Effect"] != "Allow" {
			return nil, fmt.Errorf("inline statement %d: only Allow statements are supported", i)
		}
		actions, err := t.ResolveList(m["Action"])
		if err != nil {
			return nil, fmt.Errorf("inline statement %d, Action: %w", i, err)
		}
		resources, err := t.ResolveList(m["Resource"])
		if err != nil {
			return nil, fmt.Errorf("inline statement %d, Resource: %w", i, err)
		}
		via, err := t.viaServices(m["Condition"])
		if err != nil {
			return nil, fmt.Errorf("inline statement %d: %w", i, err)
		}
		sid, _ := m["Sid"].(string)
		out = append(out, Statement{Source: "Statement " + sid, Actions: actions, Resources: resources, Via: via})
	}
	return out, nil
}

// Allows reports whether s allows action on resource, with IAM's
// wildcards (* and ?) and case-insensitive action names, when the function
// calls it itself.
func (s Statement) Allows(action, resource string) bool { return s.AllowsVia(action, resource, "") }

// AllowsVia reports whether s allows action on resource when it is called
// through the service via ("ssm.us-east-1.amazonaws.com"; "" when the
// function calls it itself).
func (s Statement) AllowsVia(action, resource, via string) bool {
	if len(s.Via) > 0 && !slices.Contains(s.Via, via) {
		return false
	}
	actionOK := false
	for _, a := range s.Actions {
		if wildcard(strings.ToLower(a), strings.ToLower(action)) {
			actionOK = true
			break
		}
	}
	if !actionOK {
		return false
	}
	for _, r := range s.Resources {
		if wildcard(r, resource) {
			return true
		}
	}
	return false
}

// wildcard matches IAM patterns, where * and ? match any characters
// including the slashes and colons of an ARN.
func wildcard(pattern, s string) bool {
	// path.Match stops * at "/"; replace "/" so that it does not.
	const slash = "\x00"
	p := strings.ReplaceAll(pattern, "/", slash)
	v := strings.ReplaceAll(s, "/", slash)
	p = strings.NewReplacer("[", `\[`, "]", `\]`, `\`, `\\`).Replace(p)
	ok, err := path.Match(p, v)
	return err == nil && ok
}
