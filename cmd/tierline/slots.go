package main

import (
	"context"

	"github.com/tierline/tierline/shared/ticket"
)

// Default bounds of the hand-offs the tier workers deliver at once.
const (
	defaultDeliveries = 256 // all tiers together
	defaultPerChannel = 128 // to each channel
)

// slots bounds the hand-offs in flight: per tier and overall. Every
// hand-off of a tier goes to each of the tier's channels, so the bound per
// tier is the bound per channel. The workers take slots before they
// receive, so a notice never waits inside the program for a slot while its
// visibility timeout runs: it waits on the queue. A slot is a pair, one of
// the tier and one overall, taken and given together.
type slots struct {
	all  chan struct{}
	tier map[ticket.Tier]chan struct{}
}

func newSlots(overall, perChannel int) *slots {
	s := &slots{all: make(chan struct{}, max(overall, 1)), tier: map[ticket.Tier]chan struct{}{}}
	for _, t := range ticket.Tiers {
		s.tier[t] = make(chan struct{}, max(perChannel, 1))
	}
	return s
}

// take takes up to n slots of tier, each with one overall. With wait it
// waits for the first, and returns 0 only once ctx ended; without, it
// takes only what is free.
func (s *slots) take(ctx context.Context, tier ticket.Tier, n int, wait bool) int {
	took := 0
	for took < n && s.takeOne(ctx, tier, wait && took == 0) {
		took++
	}
	return took
}

// takeOne takes a slot of tier and one overall: if wait, as soon as they
// are free (false once ctx ended), else only if they are free now.
func (s *slots) takeOne(ctx context.Context, tier ticket.Tier, wait bool) bool {
	t := s.tier[tier]
	if !acquire(ctx, t, wait) {
		return false
	}
	if !acquire(ctx, s.all, wait) {
		<-t
		return false
	}
	return true
}

func acquire(ctx context.Context, c chan struct{}, wait bool) bool {
	if !wait {
		select {
		case c <- struct{}{}:
			return true
		default:
			return false
		}
	}
	select {
	case c <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// give returns n slots of tier.
func (s *slots) give(tier ticket.Tier, n int) {
	for range n {
		<-s.tier[tier]
		<-s.all
	}
}
