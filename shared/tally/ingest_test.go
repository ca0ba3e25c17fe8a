package tally

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

func TestIngestedGroupsOutcomes(t *testing.T) {
	got := Ingested([]desk.Result{{Outcome: desk.Created}, {Outcome: desk.Occurrence}, {Outcome: desk.Created},
		{Outcome: desk.Duplicate}, {Outcome: desk.Ignored}}, nil)
	want := []Ingest{{Accepted, "created", 2}, {Deduplicated, "occurrence", 1}, {Deduplicated, "duplicate", 1}, {Accepted, "ignored", 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestIngestedRefusedByCode(t *testing.T) {
	err := fmt.Errorf("ingest: %w", ticket.Errorf(ticket.Unauthorized, "bad token"))
	if got, want := Ingested(nil, err), []Ingest{{Refused, "unauthorized", 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := Ingested(nil, errors.New("boom")); got[0].Detail != string(ticket.Internal) {
		t.Errorf("an error without a code: %+v", got)
	}
}
