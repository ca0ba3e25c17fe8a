package main

import (
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/tally"
	"github.com/tierline/tierline/shared/ticket"
)

// counted adds the tier moves of changes dispatch has carried out and
// whose outbox rows are deleted, so that a row retried after a failure is
// counted once.
func (m *Main) counted(changes []ticket.Change) {
	var f figures.Flow
	f.Add(changes...)
	m.metrics.Flow(f)
}

// ingested counts what a request to an ingest route became, under its
// integration's name (httpapi tells only of configured integrations).
func (m *Main) ingested(integration string, results []desk.Result, err error) {
	m.metrics.Ingested(integration, tally.Ingested(results, err))
}
