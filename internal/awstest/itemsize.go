package awstest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// render writes an attribute value out whole, maps with sorted keys, so
// that two equal values render the same.
func render(v types.AttributeValue) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case *types.AttributeValueMemberS:
		return "S" + strconv.Quote(v.Value)
	case *types.AttributeValueMemberN:
		return "N" + v.Value
	case *types.AttributeValueMemberM:
		var b strings.Builder
		b.WriteString("M{")
		for _, k := range slices.Sorted(maps.Keys(v.Value)) {
			b.WriteString(strconv.Quote(k) + ":" + render(v.Value[k]) + ",")
		}
		return b.String() + "}"
	case *types.AttributeValueMemberL:
		var b strings.Builder
		b.WriteString("L[")
		for _, e := range v.Value {
			b.WriteString(render(e) + ",")
		}
		return b.String() + "]"
	}
	return fmt.Sprintf("%T%v", v, v)
}

// size is an item's size by DynamoDB's rules: each attribute's name and
// value; numbers about one byte per two digits plus one; lists and maps 3
// bytes plus a byte per element.
func size(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return (len(strings.Trim(strings.TrimLeft(v.Value, "-"), "0."))+1)/2 + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += (len(s)+1)/2 + 1
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, x := range v.Value {
			n += 1 + valueSize(x)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, x := range v.Value {
			n += 1 + len(k) + valueSize(x)
		}
		return n
	}
	return 0
}
