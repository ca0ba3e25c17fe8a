package dynamo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// item is one DynamoDB item as the adapter builds it: the setters leave out
// zero values, so that an item holds only what it says.
type item map[string]types.AttributeValue

func (it item) str(name, v string) {
	if v != "" {
		it[name] = &types.AttributeValueMemberS{Value: v}
	}
}

func (it item) num(name string, v int64) {
	if v != 0 {
		it[name] = &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
	}
}

func (it item) int(name string, v int) { it.num(name, int64(v)) }

// timeFormat is how instants are stored (see item.time).
const timeFormat = time.RFC3339Nano

// time stores an instant as RFC 3339 with nanoseconds in UTC: it reads
// back equal, and strings of one precision sort by time.
func (it item) time(name string, v time.Time) {
	if !v.IsZero() {
		it.str(name, v.UTC().Format(timeFormat))
	}
}

func (it item) strMap(name string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	av := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		av[k] = &types.AttributeValueMemberS{Value: v}
	}
	it[name] = &types.AttributeValueMemberM{Value: av}
}

// maps stores a list of maps, such as a ticket's links; an empty list is
// left out like every other zero value.
func (it item) maps(name string, ms []item) {
	if len(ms) == 0 {
		return
	}
	l := make([]types.AttributeValue, len(ms))
	for i, m := range ms {
		l[i] = &types.AttributeValueMemberM{Value: m}
	}
	it[name] = &types.AttributeValueMemberL{Value: l}
}

// reader reads an item's attributes, keeping the first error, so that a
// decoder reads like a list of fields and checks once at the end.
type reader struct {
	it  map[string]types.AttributeValue
	err error
}

func (r *reader) fail(name, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("attribute %s: want %s, got %T", name, want, r.it[name])
	}
}

func (r *reader) str(name string) string {
	switch v := r.it[name].(type) {
	case nil:
		return ""
	case *types.AttributeValueMemberS:
		return v.Value
	}
	r.fail(name, "a string")
	return ""
}

func (r *reader) num(name string) int64 {
	switch v := r.it[name].(type) {
	case nil:
		return 0
	case *types.AttributeValueMemberN:
		n, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil && r.err == nil {
			r.err = fmt.Errorf("attribute %s: %w", name, err)
		}
		return n
	}
	r.fail(name, "a number")
	return 0
}

func (r *reader) int(name string) int { return int(r.num(name)) }

func (r *reader) time(name string) time.Time {
	s := r.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("attribute %s: %w", name, err)
	}
	return t
}

func (r *reader) strMap(name string) map[string]string {
	switch v := r.it[name].(type) {
	case nil:
		return nil
	case *types.AttributeValueMemberM:
		out := make(map[string]string, len(v.Value))
		for k, av := range v.Value {
			s, ok := av.(*types.AttributeValueMemberS)
			if !ok {
				r.fail(name+"."+k, "a string")
				return nil
			}
			out[k] = s.Value
		}
		return out
	}
	r.fail(name, "a map")
	return nil
}

// maps reads a list of maps written by item.maps, a reader for each.
func (r *reader) maps(name string) []*reader {
	v, ok := r.it[name]
	if !ok {
		return nil
	}
	l, ok := v.(*types.AttributeValueMemberL)
	if !ok {
		r.fail(name, "a list")
		return nil
	}
	out := make([]*reader, 0, len(l.Value))
	for _, e := range l.Value {
		m, ok := e.(*types.AttributeValueMemberM)
		if !ok {
			r.fail(name, "a list of maps")
			return nil
		}
		out = append(out, &reader{it: m.Value})
	}
	return out
}
