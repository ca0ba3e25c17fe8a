package awstest

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Counter counts the operations SDK clients call, by service and name
// ("DynamoDB.PutItem"), so that tests can state what a use case costs in
// requests. A call counts once however often the SDK retries it. It is safe
// for concurrent use.
type Counter struct {
	mu     sync.Mutex
	counts map[string]int
}

// Middleware returns the SDK middleware that counts; add it to a client's
// APIOptions.
func (c *Counter) Middleware() func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		// After the operation's own Initialize middleware, which is what
		// puts the service and operation names in the context.
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("awstest.Counter",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c.add(awsmiddleware.GetServiceID(ctx) + "." + awsmiddleware.GetOperationName(ctx))
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	}
}

func (c *Counter) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[op]++
}

// Counts returns a copy of the counts so far.
func (c *Counter) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts)
}

// Reset forgets the counts so far, so that a test can count one step.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = nil
}

// Take returns the counts so far and resets them.
func (c *Counter) Take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.counts
	c.counts = nil
	if out == nil {
		out = map[string]int{}
	}
	return out
}

// String lists the counts as "DynamoDB.GetItem=1 DynamoDB.PutItem=2",
// sorted by name, for test logs.
func (c *Counter) String() string { return Format(c.Counts()) }

// Format lists counts as "name=n" pairs sorted by name.
func Format(counts map[string]int) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(counts[k]))
	}
	return b.String()
}
