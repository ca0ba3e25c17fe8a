package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// replayRequest asks the function to replay parked records:
// {"replay": {"max": 100}}. Operators send it with aws lambda invoke
// (the stack's ReplayCommand output).
type replayRequest struct {
	Max int `json:"max,omitempty"` // at most this many records; 0 means all there are
}

// replayResult is the function's answer to a replay request.
type replayResult struct {
	Replayed int             `json:"replayed"`         // dispatched and deleted from the parking queue
	Failed   []replayFailure `json:"failed,omitempty"` // still failing; left on the queue
	More     bool            `json:"more"`             // stopped early (max or time): invoke again
}

// replayFailure is a parked record that failed again.
type replayFailure struct {
	MessageID string `json:"message_id"`
	Ticket    string `json:"ticket_id,omitempty"`
	Sequence  string `json:"sequence_number,omitempty"`
	Error     string `json:"error"`
}

// Replay's timing: a received message stays hidden replayHide, longer
// than the function may run, so that one that fails again is not read
// twice in one replay; replay stops receiving replayMargin before the
// invocation's deadline.
const (
	replayHide   = 5 * time.Minute
	replayMargin = 5 * time.Second
)

// replay reads the parking queue and dispatches each record through the
// same path a stream record that failed takes (dispatcher.one), deleting
// it only once that succeeded. A record that fails again stays parked,
// hidden until replayHide passes, and is listed in the result. Replaying a
// record late is harmless: a hand-off that a newer one superseded or that
// belongs to a resolved ticket pages no one, and a timer of an older clock
// ends at its first step.
func (d *dispatcher) replay(ctx context.Context, req replayRequest) (replayResult, error) {
	if d.parking == nil || d.parking.url == "" {
		return replayResult{}, fmt.Errorf("replay: no parking queue configured")
	}
	var res replayResult
	for {
		if req.Max > 0 && res.Replayed+len(res.Failed) >= req.Max || !d.timeLeft(ctx) {
			res.More = true
			return res, nil
		}
		n := int32(10)
		if req.Max > 0 {
			n = int32(min(10, req.Max-res.Replayed-len(res.Failed)))
		}
		out, err := d.parking.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(d.parking.url),
			MaxNumberOfMessages: n, WaitTimeSeconds: 1, VisibilityTimeout: int32(replayHide / time.Second)})
		if err != nil {
			return res, fmt.Errorf("replay: receive from the parking queue (after %d replayed): %w", res.Replayed, err)
		}
		if len(out.Messages) == 0 {
			return res, nil
		}
		for _, m := range out.Messages {
			if f := d.replayOne(ctx, aws.ToString(m.MessageId), aws.ToString(m.Body)); f != nil {
				res.Failed = append(res.Failed, *f)
				continue
			}
			if _, err := d.parking.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(d.parking.url),
				ReceiptHandle: m.ReceiptHandle}); err != nil {
				return res, fmt.Errorf("replay: record of message %s dispatched, but not deleted from the parking queue (it will be replayed again, harmlessly): %w",
					aws.ToString(m.MessageId), err)
			}
			res.Replayed++
		}
	}
}

// replayOne dispatches one parked message, or says why it failed.
func (d *dispatcher) replayOne(ctx context.Context, id, body string) *replayFailure {
	var raw events.DynamoDBEventRecord
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		return &replayFailure{MessageID: id, Error: "the message is not a stream record: " + err.Error()}
	}
	r := read(raw)
	if err := d.one(ctx, r); err != nil {
		d.log.ErrorContext(ctx, "parked record failed again; it stays parked", "ticket", r.id, "sequence", r.seq, "err", err)
		return &replayFailure{MessageID: id, Ticket: r.id, Sequence: r.seq, Error: truncate(err.Error(), 1024)}
	}
	d.log.InfoContext(ctx, "parked record replayed", "ticket", r.id, "sequence", r.seq)
	return nil
}

// timeLeft reports whether the invocation has time for another receive.
func (d *dispatcher) timeLeft(ctx context.Context) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > replayMargin
}
