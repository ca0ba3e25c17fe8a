package localdb

// Queued reports how many writes wait for the commit loop, so a test can
// line writes up into one group.
func (db *DB) Queued() int { return len(db.ops) }
