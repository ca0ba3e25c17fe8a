package templatetest_test

import (
	"strings"
	"testing"

	"github.com/tierline/tierline/functions/internal/templatetest"
)

const conditional = `
Parameters:
  Existing: {Type: String, Default: ""}
  Domain: {Type: String, Default: ""}
  Zone: {Type: String, Default: ""}
Conditions:
  Create: !Equals [!Ref Existing, ""]
  HasDomain: !Not [!Equals [!Ref Domain, ""]]
  HasZone: !And [!Condition HasDomain, !Not [!Equals [!Ref Zone, ""]]]
  Either: !Or [!Condition HasDomain, !Not [!Condition Create]]
Resources:
  Table: {Type: AWS::DynamoDB::Table, Condition: Create}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          TABLE: !If [Create, !Ref Table, !Ref Existing]
          URL: !If [HasDomain, !Sub "https://${Domain}", !Ref AWS::NoValue]
Outputs:
  TableArn: {Condition: Create, Value: !GetAtt Table.Arn}
`

// Ensure conditions evaluate with the parameters' defaults or the values
// With gives, Fn::If takes its branch, a conditional resource is left out
// (and a Ref to it refused), and AWS::NoValue resolves to nothing.
func TestConditions(t *testing.T) {
	tpl, err := templatetest.Parse("t.yaml", []byte(conditional))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		params  map[string]string
		table   bool   // Table created
		env     string // TABLE
		url     string
		zone    bool
		either  bool
		problem string // of CheckReferences, if any
	}{
		{name: "defaults", table: true, env: "tierline-Table"},
		{name: "existing_table", params: map[string]string{"Existing": "restored"}, env: "restored", either: true},
		{name: "domain_without_zone", params: map[string]string{"Domain": "t.example"}, table: true, env: "tierline-Table", url: "https://t.example", either: true},
		{name: "domain_and_zone", params: map[string]string{"Domain": "t.example", "Zone": "Z1"}, table: true, env: "tierline-Table", url: "https://t.example", zone: true, either: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := tpl.With(tc.params)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := w.Created("Table"); err != nil || got != tc.table {
				t.Fatalf("Created(Table) = %v, %v; want %v", got, err, tc.table)
			}
			env, err := w.Env("Fn")
			if err != nil || env["TABLE"] != tc.env || env["URL"] != tc.url {
				t.Fatalf("Env = %v, %v; want TABLE %q URL %q", env, err, tc.env, tc.url)
			}
			if got, _ := w.Condition("HasZone"); got != tc.zone {
				t.Fatalf("HasZone = %v, want %v", got, tc.zone)
			}
			if got, _ := w.Condition("Either"); got != tc.either {
				t.Fatalf("Either = %v, want %v", got, tc.either)
			}
			if p := w.CheckReferences(); len(p) != 0 {
				t.Fatalf("problems %v; a false output's condition skips it", p)
			}
		})
	}
	if _, err := tpl.With(map[string]string{"Nope": "x"}); err == nil {
		t.Fatal("With of an unknown parameter succeeded")
	}
	w, _ := tpl.With(map[string]string{"Existing": "restored"})
	if _, err := w.Resolve(map[string]any{"Ref": "Table"}); err == nil || !strings.Contains(err.Error(), "condition Create is false") {
		t.Fatalf("Ref to a resource left out = %v, want it refused", err)
	}
	if v, err := w.Choose(map[string]any{"Fn::If": []any{"Create", "a", map[string]any{"Fn::If": []any{"HasDomain", "b", "c"}}}}); err != nil || v != "c" {
		t.Fatalf("Choose = %v, %v; want the nested branch c", v, err)
	}
}
