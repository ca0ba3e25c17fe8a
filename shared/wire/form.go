package wire

// FormReceipt answers a form submission made with fetch (201): the ticket
// it filed and the link where the requester can follow it. A second send
// of the same form gets the same answer.
type FormReceipt struct {
	Ticket    string `json:"ticket"`
	StatusURL string `json:"status_url"`
}
