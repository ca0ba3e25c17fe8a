package awstest_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/internal/awstest"
)

// indexed is a table with one index on gpk, projecting what proj says.
func indexed(proj types.Projection) *dynamodb.CreateTableInput {
	s := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String("t"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{s("pk"), s("gpk")},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("ix"), Projection: &proj,
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("gpk"), KeyType: types.KeyTypeHash}}}},
	}
}

// Ensure the Capacity tally counts what a write costs the index: nothing
// while the entry stays the same, one write per KB of the entry when it
// changes, and a delete too when it moves to other keys; an index that
// projects everything is written on every change of the item.
func TestCapacityCountsIndexWrites(t *testing.T) {
	big := strings.Repeat("x", 3000) // a 3 KB attribute
	item := func(gpk, body string) map[string]types.AttributeValue {
		it := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "a"}, "body": &types.AttributeValueMemberS{Value: body}}
		if gpk != "" {
			it["gpk"] = &types.AttributeValueMemberS{Value: gpk}
		}
		return it
	}
	steps := []struct {
		name           string
		item           map[string]types.AttributeValue // nil: delete the item
		keysOnly, all  float64                         // index WRU under KEYS_ONLY and under ALL
		wantTableUnits float64
	}{
		{"insert", item("open", big), 1, 3, 3},
		{"change of an attribute not projected", item("open", big+"y"), 0, 3, 3},
		{"same item again", item("open", big+"y"), 0, 0, 3},
		{"index key moves", item("acked", big+"y"), 2, 4, 3},
		{"index key removed", item("", "small"), 1, 1, 1},
		{"index key back", item("open", "small"), 1, 1, 1},
		{"delete", nil, 1, 1, 1},
	}
	for _, proj := range []types.ProjectionType{types.ProjectionTypeKeysOnly, types.ProjectionTypeAll} {
		t.Run(string(proj), func(t *testing.T) {
			c := &awstest.Capacity{Table: indexed(types.Projection{ProjectionType: proj})}
			db, _ := awstest.MiniDyn(t, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, c.Middleware()) })
			if _, err := db.CreateTable(ctx, c.Table); err != nil {
				t.Fatal(err)
			}
			for _, s := range steps {
				var err error
				if s.item == nil {
					_, err = db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("t"),
						Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "a"}}})
				} else {
					_, err = db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: s.item})
				}
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				want := s.keysOnly
				if proj == types.ProjectionTypeAll {
					want = s.all
				}
				index := c.Index()
				wru, _ := c.Take()
				if index != want || wru != s.wantTableUnits+want {
					t.Errorf("%s: %g WRU of which %g index writes, want %g and %g", s.name, wru, index, s.wantTableUnits+want, want)
				}
			}
		})
	}
}

// Ensure a refused conditional write consumes its units, as DynamoDB
// bills it, and writes no index.
func TestCapacityCountsRefusedWrites(t *testing.T) {
	c := &awstest.Capacity{Table: indexed(types.Projection{ProjectionType: types.ProjectionTypeKeysOnly})}
	db, _ := awstest.MiniDyn(t, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, c.Middleware()) })
	if _, err := db.CreateTable(ctx, c.Table); err != nil {
		t.Fatal(err)
	}
	_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("t"),
		Key:                       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "a"}},
		UpdateExpression:          aws.String("SET gpk = :g"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": &types.AttributeValueMemberS{Value: "open"}}})
	if err == nil {
		t.Fatal("the conditional update of a missing item succeeded")
	}
	if index := c.Index(); index != 0 {
		t.Errorf("a refused update wrote %g index units", index)
	}
	if wru, _ := c.Take(); wru != 1 {
		t.Errorf("a refused update tallied %g WRU, want 1", wru)
	}
}
