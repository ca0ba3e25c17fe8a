package dynamo

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// JournalRetention is how long the journal of a request that failed
// part-way lets a retry of it resume: within it, the same request again
// stores only the writes the failed attempt did not. After a request
// succeeds, the same request again is news and counts again.
const JournalRetention = time.Hour

// Journal items (see the package doc): the request's head, whose
// generation names the current attempt's marks, and one mark per write
// an attempt stored.
const (
	prefixRequest = "R#"
	skRequest     = "R"
	skMark        = "M#"
	aGeneration   = "gen"
	aTicket       = "ticket"
)

// journal is what an attempt of a request knows of earlier attempts.
type journal struct {
	pk     string
	gen    string         // the generation of the marks of attempts that did not succeed
	found  bool           // the head exists
	done   map[int]string // write number → the ticket an earlier attempt stored
	marked bool           // an earlier attempt stored a write (or this one did)
}

// requestPK names a request's journal partition. The integration is
// part of it, so that requests of two integrations never share one.
func requestPK(integration, request string) string {
	sum := sha256.Sum256([]byte(strconv.Itoa(len(integration)) + ":" + integration + "#" + request))
	return prefixRequest + hex.EncodeToString(sum[:16])
}

// openJournal reads a request's journal: its head (one GetItem) and the
// marks of its current generation (one Query, paged past 1 MB).
func (s *Store) openJournal(ctx context.Context, integration, request string) (*journal, error) {
	j := &journal{pk: requestPK(integration, request), gen: "0", done: map[int]string{}}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: s.table, ConsistentRead: aws.Bool(true),
		Key: item{attrPK: &types.AttributeValueMemberS{Value: j.pk}, attrSK: &types.AttributeValueMemberS{Value: skRequest}}})
	if err != nil {
		return nil, classify(err, "read the journal of request "+request)
	}
	if out.Item != nil {
		// Expired or not, the head's generation is the current one: the
		// marks of an older generation must never count again.
		j.found, j.gen = true, (&reader{it: out.Item}).str(aGeneration)
	}
	in := &dynamodb.QueryInput{TableName: s.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:   aws.String("#pk = :pk AND begins_with(#sk, :m)"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK, "#sk": attrSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: j.pk},
			":m": &types.AttributeValueMemberS{Value: markPrefix(j.gen)}},
	}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, classify(err, "read the journal of request "+request)
		}
		for _, it := range out.Items {
			r := &reader{it: it}
			n, err := strconv.Atoi(strings.TrimPrefix(r.str(attrSK), markPrefix(j.gen)))
			if err == nil && r.err == nil && !s.expired(r.num(TTLAttribute)) {
				j.done[n], j.marked = r.str(aTicket), true
			}
		}
		if out.LastEvaluatedKey == nil {
			return j, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func markPrefix(gen string) string { return skMark + gen + "#" }

// mark is the journal mark of write n of the request.
func (j *journal) mark(n int) *journalMark {
	return &journalMark{pk: j.pk, sk: fmt.Sprintf("%s%04d", markPrefix(j.gen), n)}
}

// closeJournal ends a request that succeeded: a new generation, so that
// the same request again is news. A request that stored nothing has no
// journal to end. Losing the condition means another attempt ended it.
func (s *Store) closeJournal(ctx context.Context, j *journal) error {
	if !j.marked {
		return nil
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return ticket.Wrap(ticket.Internal, err, "dynamo store: a journal generation")
	}
	it := item{attrPK: &types.AttributeValueMemberS{Value: j.pk}, attrSK: &types.AttributeValueMemberS{Value: skRequest}}
	it.str(aGeneration, hex.EncodeToString(b[:]))
	it.num(TTLAttribute, s.now().Add(JournalRetention).Unix())
	in := &dynamodb.PutItemInput{TableName: s.table, Item: it, ExpressionAttributeNames: map[string]string{"#pk": attrPK}}
	if j.found {
		in.ConditionExpression = aws.String("#gen = :gen")
		in.ExpressionAttributeNames = map[string]string{"#gen": aGeneration}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":gen": &types.AttributeValueMemberS{Value: j.gen}}
	} else {
		in.ConditionExpression = aws.String("attribute_not_exists(#pk)")
	}
	_, err := s.db.PutItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if err == nil || errors.As(err, &ccf) {
		return nil
	}
	return classify(err, "end the journal of a request")
}

// journalMark names the mark a write of UpsertAll puts in its transaction.
type journalMark struct{ pk, sk string }

// put is the mark's action: stored only if no attempt stored it before,
// and returning the earlier mark when one did.
func (m *journalMark) put(table *string, ticketID string, now time.Time) types.TransactWriteItem {
	it := item{attrPK: &types.AttributeValueMemberS{Value: m.pk}, attrSK: &types.AttributeValueMemberS{Value: m.sk}}
	it.str(aTicket, ticketID)
	it.num(TTLAttribute, now.Add(JournalRetention).Unix())
	return types.TransactWriteItem{Put: &types.Put{TableName: table, Item: it,
		ConditionExpression:                 aws.String("attribute_not_exists(#pk) OR #exp <= :now"),
		ExpressionAttributeNames:            map[string]string{"#pk": attrPK, "#exp": TTLAttribute},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": number64(now.Unix())},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
}

// appliedEarlier reports a write whose mark an earlier (or concurrent)
// attempt of the same request stored: the write is not stored again.
type appliedEarlier struct{ ticketID string }

func (e *appliedEarlier) Error() string {
	return "dynamo store: an earlier attempt of the request stored this write, to ticket " + e.ticketID
}

// markedEarlier reads the earlier mark from a transaction refused on its
// last action, the mark.
func markedEarlier(err error) error {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) == 0 {
		return err
	}
	old := tce.CancellationReasons[len(tce.CancellationReasons)-1].Item
	return &appliedEarlier{ticketID: (&reader{it: old}).str(aTicket)}
}
