package httpapi

import (
	"errors"
	"io"
	"net/http"
	"os"

	"github.com/tierline/tierline/shared/ticket"
)

// readBody reads the whole body up to the cap. A body over the cap is
// refused (413) without reading more of it than the cap.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return readCapped(w, r, s.maxBody)
}

// readCapped reads the whole body up to max bytes, refusing (413) a longer
// one without reading more of it than max. A body that stops arriving
// before the server's read deadline is unavailable (503 with Retry-After)
// rather than malformed: its sender should send it again, and senders drop
// what a 4xx refuses.
func readCapped(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, tooLarge(r.ContentLength, max)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge(-1, max)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, ticket.Wrap(ticket.Unavailable, err, "the request body did not arrive in time; send it again")
	}
	if err != nil {
		return nil, ticket.Wrap(ticket.Malformed, err, "the body could not be read")
	}
	return b, nil
}

func tooLarge(n, max int64) error {
	if n > 0 {
		return ticket.Errorf(ticket.TooLarge, "the body is %d bytes; the limit is %d", n, max)
	}
	return ticket.Errorf(ticket.TooLarge, "the body is over the limit of %d bytes", max)
}
