package awstest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	miniserver "github.com/truora/minidyn/server"

	"github.com/tierline/tierline/internal/awstest"
)

var ctx = context.Background()

func createTable(t *testing.T, db *dynamodb.Client) {
	t.Helper()
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("t"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Ensure the Counter counts each call once by service and operation name,
// a retried call included, and Take resets.
func TestCounterCountsOperations(t *testing.T) {
	var c awstest.Counter
	db, srv := awstest.MiniDyn(t, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, c.Middleware()) })
	createTable(t, db)
	item := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "a"}}
	for range 2 {
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	srv.EmulateFailure(miniserver.FailureConditionInternalServerError)
	_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: item})
	var ise *types.InternalServerError
	if !errors.As(err, &ise) {
		t.Fatalf("GetItem under emulated failure: %v, want InternalServerError after retries", err)
	}
	srv.EmulateFailure(miniserver.FailureConditionNone)

	want := map[string]int{"DynamoDB.CreateTable": 1, "DynamoDB.PutItem": 2, "DynamoDB.GetItem": 1}
	if got := c.Take(); !equal(got, want) {
		t.Fatalf("counts = %v, want %v", got, want)
	}
	if got := c.Counts(); len(got) != 0 {
		t.Fatalf("counts after Take = %v, want none", got)
	}
	if got := awstest.Format(want); got != "DynamoDB.CreateTable=1 DynamoDB.GetItem=1 DynamoDB.PutItem=2" {
		t.Fatalf("Format = %q", got)
	}
}

func equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Ensure Fauxqs starts a working SQS endpoint on loopback.
func TestFauxqsServesSQS(t *testing.T) {
	endpoint := awstest.Fauxqs(t)
	var c awstest.Counter
	q := awstest.SQSClient(endpoint, func(o *sqs.Options) { o.APIOptions = append(o.APIOptions, c.Middleware()) })
	made, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("smoke")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: made.QueueUrl, MessageBody: aws.String("hello")}); err != nil {
		t.Fatal(err)
	}
	got, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: made.QueueUrl, WaitTimeSeconds: 1})
	if err != nil || len(got.Messages) != 1 || aws.ToString(got.Messages[0].Body) != "hello" {
		t.Fatalf("ReceiveMessage = %+v, %v; want the message sent", got, err)
	}
	if want := map[string]int{"SQS.CreateQueue": 1, "SQS.SendMessage": 1, "SQS.ReceiveMessage": 1}; !equal(c.Counts(), want) {
		t.Fatalf("counts = %v, want %v", c.Counts(), want)
	}
}

// Ensure Moto starts moto_server on loopback and it answers there.
func TestMotoAnswers(t *testing.T) {
	endpoint := awstest.Moto(t)
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %q is not on loopback", endpoint)
	}
	resp, err := http.Get(endpoint + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /moto-api/data.json = %d, want 200", resp.StatusCode)
	}
}
