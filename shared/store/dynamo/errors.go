package dynamo

import (
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/tierline/tierline/shared/awserr"
	"github.com/tierline/tierline/shared/ticket"
)

// classify gives an error of the SDK a ticket code. It runs after the
// SDK's own retries, so throttling and server errors that are left mean
// the table is unavailable for now (503, and senders retry); errors of the
// request itself are bugs or misconfiguration (Internal), except an item
// over DynamoDB's size limit, which the input caused (TooLarge).
func classify(err error, doing string) error {
	var te *ticket.Error
	if err == nil || errors.As(err, &te) {
		return err
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "ValidationException" && strings.Contains(api.ErrorMessage(), "size") {
		return ticket.Wrap(ticket.TooLarge, err, "the ticket is too large for DynamoDB's 400 KB item limit")
	}
	if awserr.Transient(err, "ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException",
		"InternalServerError", "ServiceUnavailable", "TransactionInProgressException",
		"TransactionConflictException", "LimitExceededException") {
		return ticket.Wrap(ticket.Unavailable, err, "the ticket store is unavailable")
	}
	return ticket.Wrap(ticket.Internal, err, "dynamo store: "+doing)
}

// reasons returns why a conditional write was refused: for a transaction
// the code of each action ("None", "ConditionalCheckFailed",
// "TransactionConflict"), for a single write one "ConditionalCheckFailed"
// or "TransactionConflict".
// ok is false for any other error, a transaction cancelled for another
// reason included: only a failed condition or a concurrent transaction is
// a race to run again.
func reasons(err error) (codes []string, ok bool) {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return []string{checkFailed}, true
	}
	var conflict *types.TransactionConflictException
	if errors.As(err, &conflict) {
		// A single write to an item a transaction holds: the SDK does not
		// retry it, and it is a race like any other.
		return []string{"TransactionConflict"}, true
	}
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil, false
	}
	codes = make([]string, len(tce.CancellationReasons))
	for i, r := range tce.CancellationReasons {
		switch codes[i] = aws.ToString(r.Code); codes[i] {
		case checkFailed, "TransactionConflict":
			ok = true
		case "", "None":
		default:
			return nil, false
		}
	}
	return codes, ok
}

// checkFailed is the reason a conditional write was refused.
const checkFailed = "ConditionalCheckFailed"
