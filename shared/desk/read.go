package desk

import (
	"context"
	"fmt"

	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

// Get returns a ticket with its timeline.
func (s *Service) Get(ctx context.Context, raw string) (*ticket.Ticket, error) {
	id, err := ticketID(raw)
	if err != nil {
		return nil, err
	}
	return s.Store.Get(ctx, id)
}

// List returns a page of tickets, newest first.
func (s *Service) List(ctx context.Context, q store.Query) (store.Page, error) {
	return s.Store.List(ctx, q)
}

// Latest returns the ticket a sender that names integration's dedupKey
// reaches: the open one, else the newest resolved one; NotFound if the key
// has none. The Store reads by key only in its dedup write, which, given
// nothing to store, writes nothing.
func (s *Service) Latest(ctx context.Context, integration, dedupKey string) (*ticket.Ticket, error) {
	var found *ticket.Ticket
	_, err := s.Store.Upsert(ctx, integration, dedupKey, func(latest *ticket.Ticket) (*ticket.Ticket, error) {
		found = latest
		return nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("latest of %s/%s: %w", integration, dedupKey, err)
	}
	if found == nil {
		return nil, ticket.Errorf(ticket.NotFound, "%s has no ticket of key %.100q", integration, dedupKey)
	}
	return found, nil
}
