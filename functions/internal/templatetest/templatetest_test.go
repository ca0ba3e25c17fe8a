package templatetest_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/functions/internal/templatetest"
)

const tmpl = `
Parameters:
  Stage: {Type: String, Default: dev}
  NoDefault: {Type: String}
Globals:
  Function:
    Runtime: provided.al2023
    Timeout: 10
    Environment: {Variables: {STAGE: !Ref Stage}}
    Layers: [a]
Resources:
  Table: {Type: AWS::DynamoDB::Table}
  Queue: {Type: AWS::SQS::Queue}
  Topic: {Type: AWS::SNS::Topic}
  Fn:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}
    Properties:
      CodeUri: .
      Timeout: 30
      Layers: [b]
      Environment:
        Variables:
          TABLE: !Ref Table
          QUEUE: !Ref Queue
          QUEUE_ARN: !GetAtt Queue.Arn
          TOPIC: !Ref Topic
          URL: !Sub "https://${Queue.QueueName}.${AWS::Region}.${AWS::URLSuffix}/${!literal}"
          JOINED: !Join [":", [a, !Ref Stage]]
          LIST: !Sub ["${x}-${Stage}", {x: !GetAtt Topic.TopicName}]
      Policies:
        - SQSSendMessagePolicy: {QueueName: !GetAtt Queue.QueueName}
        - Statement:
            - {Sid: Rw, Effect: Allow, Action: [dynamodb:GetItem, "dynamodb:Put*"], Resource: [!GetAtt Table.Arn, !Sub "${Table.Arn}/index/*"]}
`

// Ensure the template's short forms become long forms, Globals merge the
// SAM way, and every intrinsic resolves in the fake account.
func TestFunctionAndResolve(t *testing.T) {
	tpl, err := templatetest.Parse("t.yaml", []byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	f, err := tpl.Function("Fn")
	if err != nil {
		t.Fatal(err)
	}
	if f.Runtime != "provided.al2023" || f.Timeout != 30 || f.BuildMethod != "makefile" || f.CodeURI != "." {
		t.Fatalf("function %+v", f)
	}
	env, err := tpl.Env("Fn")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"STAGE":     "dev",
		"TABLE":     "tierline-Table",
		"QUEUE":     "https://sqs.us-east-1.amazonaws.com/123456789012/tierline-Queue",
		"QUEUE_ARN": "arn:aws:sqs:us-east-1:123456789012:tierline-Queue",
		"TOPIC":     "arn:aws:sns:us-east-1:123456789012:tierline-Topic",
		"URL":       "https://tierline-Queue.us-east-1.amazonaws.com/${literal}",
		"JOINED":    "a:dev",
		"LIST":      "tierline-Topic-dev",
	}
	if !reflect.DeepEqual(env, want) {
		t.Fatalf("Env =\n%v\nwant\n%v", env, want)
	}
	stmts, err := tpl.Statements("Fn")
	if err != nil {
		t.Fatal(err)
	}
	allow := []struct {
		action, resource string
		want             bool
	}{
		{"sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:tierline-Queue", true},
		{"sqs:sendmessagebatch", "arn:aws:sqs:us-east-1:123456789012:tierline-Queue", true},
		{"sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:tierline-Other", false},
		{"sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:123456789012:tierline-Queue", false},
		{"dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:123456789012:table/tierline-Table", true},
		{"dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/tierline-Table", false},
		{"dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/tierline-Table/index/ByTier", true},
		{"dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/tierline-Table2", false},
	}
	for _, a := range allow {
		got := false
		for _, s := range stmts {
			got = got || s.Allows(a.action, a.resource)
		}
		if got != a.want {
			t.Errorf("%s on %s allowed = %v, want %v", a.action, a.resource, got, a.want)
		}
	}
}

// Ensure references to nothing, missing attributes and unknown policy
// templates are reported.
func TestProblems(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"ref", "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {X: !Ref Nope}}\n", "Ref Nope: no parameter or resource"},
		{"getatt_resource", "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {X: !GetAtt Nope.Arn}}\n", "no resource Nope"},
		{"getatt_attribute", "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {X: !GetAtt Q.StreamArn}}\n", "has no attribute StreamArn (it has Arn, QueueName, QueueUrl)"},
		{"sub", "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {X: !Sub \"${Nope}\"}}\n", "Ref Nope"},
		{"no_default", "Parameters: {P: {Type: String}}\nResources:\n  Q: {Type: AWS::SQS::Queue, Properties: {X: !Ref P}}\n", "has no Default"},
		{"unknown_intrinsic", "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {X: !Select [0, [a]]}}\n", "Fn::Select is not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tpl, err := templatetest.Parse("t.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			p := tpl.CheckReferences()
			if len(p) != 1 || !strings.Contains(p[0], tc.want) {
				t.Fatalf("problems %q, want one with %q", p, tc.want)
			}
		})
	}
	tpl, err := templatetest.Parse("t.yaml", []byte("Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {Policies: [{S3CrudPolicy: {BucketName: b}}]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tpl.Statements("F"); err == nil || !strings.Contains(err.Error(), "S3CrudPolicy is unknown") {
		t.Fatalf("Statements with an unknown template: %v", err)
	}
	if _, err := templatetest.Parse("t.yaml", []byte("X: !GetAtt NoDot\n")); err == nil {
		t.Fatal("a !GetAtt without a dot parsed")
	}
}

// Ensure a Ref to a managed policy of the template expands to its
// statements, and a kms:ViaService condition allows only calls made
// through its services.
func TestManagedPolicyAndViaService(t *testing.T) {
	const text = `
Resources:
  Secrets:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Sid: Read, Effect: Allow, Action: [ssm:GetParameters], Resource: !Sub "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/*"}
          - Sid: Decrypt
            Effect: Allow
            Action: kms:Decrypt
            Resource: "*"
            Condition: {StringEquals: {kms:ViaService: [!Sub "ssm.${AWS::Region}.${AWS::URLSuffix}"]}}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Policies: [!Ref Secrets]}
  Odd:
    Type: AWS::Serverless::Function
    Properties: {Policies: [{Statement: [{Effect: Allow, Action: kms:Decrypt, Resource: "*", Condition: {Bool: {aws:SecureTransport: true}}}]}]}
`
	tpl, err := templatetest.Parse("t.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if p := tpl.CheckReferences(); len(p) != 0 {
		t.Fatalf("references: %v", p)
	}
	stmts, err := tpl.Statements("Fn")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 || stmts[0].Source != "Fn Policies[0] Secrets Statement Read" {
		t.Fatalf("statements %+v", stmts)
	}
	const via = "ssm.us-east-1.amazonaws.com"
	allow := []struct {
		action, resource, via string
		want                  bool
	}{
		{"ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/app/x", "", true},
		{"ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/other/x", "", false},
		{"kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k", via, true},
		{"kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k", "", false},
		{"kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k", "secretsmanager.us-east-1.amazonaws.com", false},
	}
	for _, a := range allow {
		got := false
		for _, s := range stmts {
			got = got || s.AllowsVia(a.action, a.resource, a.via)
		}
		if got != a.want {
			t.Errorf("%s on %s via %q allowed = %v, want %v", a.action, a.resource, a.via, got, a.want)
		}
	}
	if _, err := tpl.Statements("Odd"); err == nil || !strings.Contains(err.Error(), "models StringEquals on kms:ViaService or iam:PassedToService only") {
		t.Errorf("Statements with another condition: %v, want it refused", err)
	}
}
