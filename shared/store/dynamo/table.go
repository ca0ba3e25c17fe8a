package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute and index names of the table. The template (template.yaml)
// declares the same; its test compares it with TableInput.
const (
	attrPK  = "pk"  // partition key: "T#<id>" or "K#<n>:<integration>#<key>"
	attrSK  = "sk"  // sort key: "T", "E#000000", "K"
	attrGPK = "gpk" // index partition: "<tier>#<status>", on heads only
	attrGSK = "gsk" // index sort key: the ticket ID, on heads only

	// TTLAttribute holds the Unix time (seconds) after which DynamoDB may
	// delete the item: on resolved tickets and on dedup items of keys with
	// no open ticket. The template enables TTL on it.
	TTLAttribute = "expires_at"

	// IndexByTierStatus is the global secondary index of tickets by tier
	// and status, newest first.
	IndexByTierStatus = "ByTierStatus"
)

// IndexAttributes are what ByTierStatus projects beside the keys: what
// List needs to fetch a ticket's head and dedup item, and its expiry.
// None changes while a ticket keeps its tier and status, so a write that
// keeps them writes nothing to the index.
var IndexAttributes = []string{aIntegration, aDedupKey, TTLAttribute}

// TableInput is the table as the adapter needs it: string keys pk and sk,
// the ByTierStatus index projecting the keys and IndexAttributes (List
// fetches the tickets themselves), the sparse Sweep index of keys only
// (sweep.go), on-demand billing, encryption at rest, and a stream of new
// and old images for dispatch. Tests create the table with it; the template
// must declare the same (TTL on TTLAttribute and point-in-time recovery
// are set there, as CreateTable cannot).
func TableInput(table string) *dynamodb.CreateTableInput {
	str := func(name string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS}
	}
	key := func(hash, rng string) []types.KeySchemaElement {
		return []types.KeySchemaElement{
			{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(rng), KeyType: types.KeyTypeRange},
		}
	}
	number := types.AttributeDefinition{AttributeName: aws.String(attrSweepAt), AttributeType: types.ScalarAttributeTypeN}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: []types.AttributeDefinition{str(attrPK), str(attrSK), str(attrGPK), str(attrGSK), str(attrSweepPK), number},
		KeySchema:            key(attrPK, attrSK),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String(IndexByTierStatus),
			KeySchema:  key(attrGPK, attrGSK),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: IndexAttributes},
		}, {
			IndexName:  aws.String(IndexSweep),
			KeySchema:  key(attrSweepPK, attrSweepAt),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
		BillingMode:      types.BillingModePayPerRequest,
		SSESpecification: &types.SSESpecification{Enabled: aws.Bool(true)},
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewTypeNewAndOldImages,
		},
	}
}
