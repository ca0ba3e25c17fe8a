package desk

import (
	"context"

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
