package boot

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// RequestAttrs reads attributes of the request being handled from the
// context a log line is written with: the api function adds API Gateway's
// request id this way.
type RequestAttrs func(ctx context.Context) []slog.Attr

// Logger returns the JSON logger of a function, writing to stdout at the
// level Lambda's ApplicationLogLevel sets (AWS_LAMBDA_LOG_LEVEL), so that
// Lambda's log-level filtering and JSON log format both apply. Every line
// written with an invocation's context (InfoContext and the like) carries
// the invocation's request_id, and whatever more adds, so that a search
// for a request, or for a ticket (the "ticket" attribute of the lines
// about one), finds each line it produced in any function.
func Logger(more ...RequestAttrs) *slog.Logger {
	return NewLogger(os.Stdout, os.Getenv("AWS_LAMBDA_LOG_LEVEL"), more...)
}

// NewLogger is Logger writing to w at level (Lambda's level names).
func NewLogger(w io.Writer, level string, more ...RequestAttrs) *slog.Logger {
	lv := slog.LevelInfo
	switch strings.ToUpper(level) {
	case "TRACE", "DEBUG":
		lv = slog.LevelDebug
	case "WARN":
		lv = slog.LevelWarn
	case "ERROR", "FATAL":
		lv = slog.LevelError
	}
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv})
	return slog.New(requestHandler{Handler: h, more: append([]RequestAttrs{lambdaRequest}, more...)})
}

// lambdaRequest is the Lambda request id of the invocation.
func lambdaRequest(ctx context.Context) []slog.Attr {
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		return []slog.Attr{slog.String("request_id", lc.AwsRequestID)}
	}
	return nil
}

// requestHandler adds the request's attributes to each record.
type requestHandler struct {
	slog.Handler
	more []RequestAttrs
}

func (h requestHandler) Handle(ctx context.Context, r slog.Record) error {
	for _, f := range h.more {
		r.AddAttrs(f(ctx)...)
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestHandler{Handler: h.Handler.WithAttrs(attrs), more: h.more}
}

func (h requestHandler) WithGroup(name string) slog.Handler {
	return requestHandler{Handler: h.Handler.WithGroup(name), more: h.more}
}
