package main

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Ensure every DynamoDB type survives the trip from a stream record's JSON
// through aws-lambda-go's attribute values into the SDK's, nested ones
// included.
func TestImage(t *testing.T) {
	tests := []struct {
		name string
		json string
		want types.AttributeValue
	}{
		// Ensure strings and numbers keep their text (numbers are not parsed).
		{"string", `{"S":"T#0c7g2m4x9k3t1p"}`, &types.AttributeValueMemberS{Value: "T#0c7g2m4x9k3t1p"}},
		{"number", `{"N":"1795424400.000001"}`, &types.AttributeValueMemberN{Value: "1795424400.000001"}},
		// Ensure binary is base64 on the wire and bytes in the SDK.
		{"binary", `{"B":"AAEC"}`, &types.AttributeValueMemberB{Value: []byte{0, 1, 2}}},
		{"bool", `{"BOOL":true}`, &types.AttributeValueMemberBOOL{Value: true}},
		{"null", `{"NULL":true}`, &types.AttributeValueMemberNULL{Value: true}},
		// Ensure the sets keep every member in order.
		{"string_set", `{"SS":["a","b"]}`, &types.AttributeValueMemberSS{Value: []string{"a", "b"}}},
		{"number_set", `{"NS":["1","2.5"]}`, &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}}},
		{"binary_set", `{"BS":["AA==","AQ=="]}`, &types.AttributeValueMemberBS{Value: [][]byte{{0}, {1}}}},
		// Ensure lists and maps convert their members, however deep.
		{"list", `{"L":[{"S":"x"},{"N":"1"},{"L":[{"BOOL":false}]}]}`, &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberS{Value: "x"}, &types.AttributeValueMemberN{Value: "1"},
			&types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberBOOL{Value: false}}}}}},
		{"map", `{"M":{"labels":{"M":{"team":{"S":"dba"}}},"links":{"L":[]}}}`, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"labels": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"team": &types.AttributeValueMemberS{Value: "dba"}}},
			"links":  &types.AttributeValueMemberL{Value: []types.AttributeValue{}}}}},
		// Ensure an empty map is a map, not nothing.
		{"empty_map", `{"M":{}}`, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in map[string]events.DynamoDBAttributeValue
			if err := json.Unmarshal([]byte(`{"a":`+tc.json+`}`), &in); err != nil {
				t.Fatal(err)
			}
			got, err := image(in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got["a"], tc.want) {
				t.Fatalf("image = %#v, want %#v", got["a"], tc.want)
			}
			if back := eventAttribute(got["a"]); !reflect.DeepEqual(normalJSON(t, back), normalJSON(t, in["a"])) {
				t.Fatalf("the inverse gives %v, want %v", normalJSON(t, back), normalJSON(t, in["a"]))
			}
		})
	}
}

// Ensure an image with no attributes is no image: a new ticket has no
// old one, a removed one no new one.
func TestImageEmpty(t *testing.T) {
	for _, in := range []map[string]events.DynamoDBAttributeValue{nil, {}} {
		if got, err := image(in); got != nil || err != nil {
			t.Fatalf("image(%v) = %v, %v; want nil", in, got, err)
		}
	}
}
