// Package ticket is tierline's domain: tickets, the signals that open and close
// them, support tiers, priorities, the timeline, and the lifecycle rules.
//
// Everything here is pure: no I/O, no clock, no randomness other than what a
// caller passes in. Adapters persist tickets; the desk package runs use cases
// on them. Illegal moves (resolving twice, acknowledging a resolved ticket,
// escalating past the top tier) are refused here, once, for every transport.
package ticket
