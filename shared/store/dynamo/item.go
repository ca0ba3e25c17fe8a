package dynamo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/ticket"
)

// Sort keys and key prefixes (see the package doc).
const (
	skHead     = "T"
	skDedup    = "K"
	skEvent    = "E#"
	prefixTick = "T#"
	prefixKey  = "K#"
)

// Attribute names of a head, an event and a dedup item. They are short
// where they repeat on every event.
const (
	aID, aVersion, aEvents                        = "id", "version", "events"
	aIntegration, aSource, aDedupKey              = "integration", "source", "dedup_key"
	aTitle, aDescription, aLabels, aDetails       = "title", "description", "labels", "details"
	aLinks, aRequesterName, aRequesterEmail       = "links", "requester_name", "requester_email"
	aCategory, aPrevious, aPriority, aTier        = "category", "previous", "priority", "tier"
	aPolicy, aStatus, aAssignee, aOccurrences     = "policy", "status", "assignee", "occurrences"
	aFirstSeen, aLastSeen, aCreated, aUpdated     = "first_seen", "last_seen", "created_at", "updated_at"
	aAcknowledged, aResolved, aResolution         = "acknowledged_at", "resolved_at", "resolution"
	aAcknowledgeBy, aResolveBy, aEscalations      = "acknowledge_by", "resolve_by", "escalations"
	aRepeats, aNotices, aClock, aDeliveries       = "repeats", "notices", "clock", "deliveries"
	aTruncated, eOnBehalf                         = "truncated", "for"
	aKind, aProblem, aIncidents                   = "kind", "problem", "incidents"
	eAt, eKind, eActor, eNote, eFrom, eTo         = "at", "kind", "actor", "note", "from", "to"
	eReason, eNotice, eChannel, eAssignee, eCount = "reason", "notice", "channel", "assignee", "count"
	dOpen, dLatest                                = "open", "latest"

	// The open ticket's counter, on its dedup item (see counter.go):
	// occurrences, last seen, and digests of the description and details
	// a counted repeat must match.
	dCount, dLastSeen, dDescription, dDetails = "n", "ls", "dsc", "dtl"

	// aDispatch marks a head written by a change that asks something of
	// dispatch (ticket.Change.Effects); the stream filter passes only
	// those heads (and their removal).
	aDispatch = "dispatch"
)

func headKey(id string) item {
	return item{attrPK: &types.AttributeValueMemberS{Value: prefixTick + id}, attrSK: &types.AttributeValueMemberS{Value: skHead}}
}

func eventKey(id string, seq int) item {
	return item{attrPK: &types.AttributeValueMemberS{Value: prefixTick + id}, attrSK: &types.AttributeValueMemberS{Value: eventSK(seq)}}
}

func eventSK(seq int) string { return fmt.Sprintf("%s%06d", skEvent, seq) }

// dedupPK names a dedup key's item. The integration's length comes first,
// so that no pair of integration and key can spell another pair's name.
func dedupPK(integration, key string) string {
	return prefixKey + strconv.Itoa(len(integration)) + ":" + integration + "#" + key
}

func dedupKey(integration, key string) item {
	return item{attrPK: &types.AttributeValueMemberS{Value: dedupPK(integration, key)}, attrSK: &types.AttributeValueMemberS{Value: skDedup}}
}

// indexPK is the ByTierStatus partition of a kind, tier and status.
// Problems have partitions of their own ("P#L2#open"), so that listing
// them reads no incident; incidents keep the partitions they always had.
func indexPK(kind ticket.Kind, tier ticket.Tier, status ticket.Status) string {
	pk := tier.String() + "#" + string(status)
	if kind == ticket.KindProblem {
		pk = "P#" + pk
	}
	return pk
}

// headItem is a ticket's head item: every field but the timeline, the
// number of events, its index keys (ByTierStatus; Sweep while it awaits
// something) and, once resolved, its expiry.
func headItem(t *ticket.Ticket, expires time.Time) (item, error) {
	it := headKey(t.ID)
	it.str(attrGPK, indexPK(t.Kind, t.Tier, t.Status))
	it.str(attrGSK, t.ID)
	it.str(aID, t.ID)
	it.int(aVersion, t.Version)
	it[aEvents] = &types.AttributeValueMemberN{Value: strconv.Itoa(len(t.Timeline))}
	it.str(aIntegration, t.Integration)
	it.str(aSource, t.Source)
	it.str(aDedupKey, t.DedupKey)
	it.str(aTitle, t.Title)
	it.str(aDescription, t.Description)
	it.strMap(aLabels, t.Labels)
	if len(t.Details) > 0 {
		// Details are free-form JSON from senders; kept as JSON they read
		// back exactly as the local store gives them.
		b, err := json.Marshal(t.Details)
		if err != nil {
			return nil, fmt.Errorf("details: %w", err)
		}
		it.str(aDetails, string(b))
	}
	links := make([]item, len(t.Links))
	for i, l := range t.Links {
		links[i] = item{}
		links[i].str("href", l.Href)
		links[i].str("text", l.Text)
	}
	it.maps(aLinks, links)
	deliveries := make([]item, len(t.Deliveries))
	for i, d := range t.Deliveries {
		deliveries[i] = item{}
		deliveries[i].str("id", d.ID)
		deliveries[i].time("at", d.At)
	}
	it.maps(aDeliveries, deliveries)
	incidents := make([]item, len(t.Incidents))
	for i, in := range t.Incidents {
		incidents[i] = item{}
		incidents[i].str("id", in.ID)
		incidents[i].str("title", in.Title)
		incidents[i].time("at", in.At)
	}
	it.maps(aIncidents, incidents)
	it.str(aKind, string(t.Kind))
	it.str(aProblem, t.Problem)
	it.str(aRequesterName, t.Requester.Name)
	it.str(aRequesterEmail, t.Requester.Email)
	it.str(aCategory, t.Category)
	it.str(aPrevious, t.Previous)
	it.str(aTruncated, strings.Join(t.Truncated, ",")) // field names, which hold no comma
	it.int(aPriority, int(t.Priority))
	it.int(aTier, int(t.Tier))
	it.str(aPolicy, t.Policy)
	it.str(aStatus, string(t.Status))
	it.str(aAssignee, t.Assignee)
	it.int(aOccurrences, t.Occurrences)
	it.time(aFirstSeen, t.FirstSeen)
	it.time(aLastSeen, t.LastSeen)
	it.time(aCreated, t.CreatedAt)
	it.time(aUpdated, t.UpdatedAt)
	it.time(aAcknowledged, t.AcknowledgedAt)
	it.time(aResolved, t.ResolvedAt)
	it.str(aResolution, t.Resolution)
	it.time(aAcknowledgeBy, t.AcknowledgeBy)
	it.time(aResolveBy, t.ResolveBy)
	it.int(aEscalations, t.Escalations)
	it.int(aRepeats, t.Repeats)
	it.int(aNotices, t.Notices)
	it.int(aClock, t.Clock)
	it.sweep(t)
	if !expires.IsZero() {
		it.num(TTLAttribute, expires.Unix())
	}
	return it, nil
}

// head is a decoded head item.
type head struct {
	t       *ticket.Ticket // without its timeline
	events  int            // how many events the timeline has
	expires int64          // Unix seconds; 0 for none
}

func decodeHead(it map[string]types.AttributeValue) (head, error) {
	r := &reader{it: it}
	t := &ticket.Ticket{
		ID: r.str(aID), Version: r.int(aVersion), Integration: r.str(aIntegration), Source: r.str(aSource),
		DedupKey: r.str(aDedupKey), Title: r.str(aTitle), Description: r.str(aDescription),
		Labels:    r.strMap(aLabels),
		Requester: ticket.Person{Name: r.str(aRequesterName), Email: r.str(aRequesterEmail)},
		Category:  r.str(aCategory), Previous: r.str(aPrevious),
		Priority: ticket.Priority(r.int(aPriority)), Tier: ticket.Tier(r.int(aTier)), Policy: r.str(aPolicy),
		Status: ticket.Status(r.str(aStatus)), Assignee: r.str(aAssignee),
		Occurrences: r.int(aOccurrences), FirstSeen: r.time(aFirstSeen), LastSeen: r.time(aLastSeen),
		CreatedAt: r.time(aCreated), UpdatedAt: r.time(aUpdated), AcknowledgedAt: r.time(aAcknowledged),
		ResolvedAt: r.time(aResolved), Resolution: r.str(aResolution),
		AcknowledgeBy: r.time(aAcknowledgeBy), ResolveBy: r.time(aResolveBy),
		Escalations: r.int(aEscalations), Repeats: r.int(aRepeats), Notices: r.int(aNotices), Clock: r.int(aClock),
	}
	if s := r.str(aTruncated); s != "" {
		t.Truncated = strings.Split(s, ",")
	}
	if d := r.str(aDetails); d != "" && r.err == nil {
		if err := json.Unmarshal([]byte(d), &t.Details); err != nil {
			r.err = fmt.Errorf("attribute %s: %w", aDetails, err)
		}
	}
	for _, lr := range r.maps(aLinks) {
		t.Links = append(t.Links, ticket.Link{Href: lr.str("href"), Text: lr.str("text")})
	}
	for _, dr := range r.maps(aDeliveries) {
		t.Deliveries = append(t.Deliveries, ticket.Delivery{ID: dr.str("id"), At: dr.time("at")})
	}
	for _, ir := range r.maps(aIncidents) {
		t.Incidents = append(t.Incidents, ticket.Incident{ID: ir.str("id"), Title: ir.str("title"), At: ir.time("at")})
	}
	t.Kind, t.Problem = ticket.Kind(r.str(aKind)), r.str(aProblem)
	h := head{t: t, events: r.int(aEvents), expires: r.num(TTLAttribute)}
	if r.err == nil && (t.ID == "" || !t.Status.Valid()) {
		r.err = fmt.Errorf("a head without an id or a valid status")
	}
	return h, r.err
}

func eventItem(id string, seq int, e ticket.Event) item {
	it := eventKey(id, seq)
	it.time(eAt, e.At)
	it.str(eKind, string(e.Kind))
	it.str(eActor, e.Actor)
	it.str(eOnBehalf, e.OnBehalf)
	it.str(eNote, e.Note)
	it.int(eFrom, int(e.From))
	it.int(eTo, int(e.To))
	it.str(eReason, e.Reason)
	it.int(eNotice, e.Notice)
	it.str(eChannel, e.Channel)
	it.str(eAssignee, e.Assignee)
	it.int(eCount, e.Count)
	return it
}

func decodeEvent(it map[string]types.AttributeValue) (ticket.Event, error) {
	r := &reader{it: it}
	e := ticket.Event{
		At: r.time(eAt), Kind: ticket.EventKind(r.str(eKind)), Actor: r.str(eActor), OnBehalf: r.str(eOnBehalf), Note: r.str(eNote),
		From: ticket.Tier(r.int(eFrom)), To: ticket.Tier(r.int(eTo)), Reason: r.str(eReason),
		Notice: r.int(eNotice), Channel: r.str(eChannel), Assignee: r.str(eAssignee), Count: r.int(eCount),
	}
	return e, r.err
}

// dedup is a decoded dedup item: the key's open ticket, if any, its
// newest ticket and, while one is open, its counter.
type dedup struct {
	open, latest string
	expires      int64
	counter
}

// counter is the open ticket's count as its dedup item holds it. counted
// is false for an item written before the counter moved there: the head's
// count is the whole count then.
type counter struct {
	counted     bool
	n           int
	lastSeen    time.Time
	description string // digest of the ticket's description
	details     string // digest of its details
}

func decodeDedup(it map[string]types.AttributeValue) (dedup, error) {
	r := &reader{it: it}
	d := dedup{open: r.str(dOpen), latest: r.str(dLatest), expires: r.num(TTLAttribute)}
	_, d.counted = it[dCount]
	d.n, d.lastSeen = r.int(dCount), r.time(dLastSeen)
	d.description, d.details = r.str(dDescription), r.str(dDetails)
	return d, r.err
}

// seqOf returns the number of an event item's sort key.
func seqOf(sk string) (int, bool) {
	if len(sk) != len(skEvent)+6 || sk[:len(skEvent)] != skEvent {
		return 0, false
	}
	n, err := strconv.Atoi(sk[len(skEvent):])
	return n, err == nil
}
