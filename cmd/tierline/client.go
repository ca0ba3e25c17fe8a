package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// client calls the ticket API of a tierline, local or deployed.
type client struct {
	url  string
	key  string
	http *http.Client
}

// clientFlags are the flags every client command takes.
type clientFlags struct {
	url, key, as string
	json         bool
}

func (f *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "url", envOr("TIERLINE_URL", "http://127.0.0.1:8080"), "tierline `URL` (TIERLINE_URL)")
	fs.StringVar(&f.key, "key", os.Getenv("TIERLINE_API_KEY"), "api `key` (TIERLINE_API_KEY)")
	fs.StringVar(&f.as, "as", envOr("TIERLINE_ACTOR", os.Getenv("USER")), "whom you act for, kept on the timeline beside the api key's name (TIERLINE_ACTOR, default $USER)")
	fs.BoolVar(&f.json, "json", false, "print the API's JSON")
}

func (f *clientFlags) client() (*client, error) {
	if f.key == "" {
		return nil, usageError("no api key: set TIERLINE_API_KEY or pass --key")
	}
	return &client{url: strings.TrimRight(f.url, "/"), key: f.key, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// do sends a request and decodes the answer into out, or turns an error
// answer into an error that says what the API said.
func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach tierline at %s: %w", c.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e wire.Error
		if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("%s (%d %s)", oneLine(e.Error.Message), resp.StatusCode, oneLine(e.Error.Code))
		}
		return fmt.Errorf("%s answered %s", c.url, oneLine(resp.Status))
	}
	return json.Unmarshal(data, out)
}

func (c *client) list(ctx context.Context, q url.Values) (wire.List, error) {
	var out wire.List
	err := c.do(ctx, http.MethodGet, "/v1/tickets?"+q.Encode(), nil, &out)
	return out, err
}

func (c *client) get(ctx context.Context, id string) (wire.Ticket, error) {
	var out wire.Ticket
	err := c.do(ctx, http.MethodGet, "/v1/tickets/"+url.PathEscape(id), nil, &out)
	return out, err
}

func (c *client) act(ctx context.Context, id, action string, a wire.Action) (wire.Ticket, error) {
	var out wire.Ticket
	err := c.do(ctx, http.MethodPost, "/v1/tickets/"+url.PathEscape(id)+"/"+action, a, &out)
	return out, err
}

// printJSON prints v as indented JSON in which no character can drive a
// terminal (see escapeJSON).
func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(escapeJSON(b), '\n'))
	return err
}

// parseArgs parses flags anywhere among the arguments, so that
// "tierline escalate ID --note TEXT" works as well as "--note TEXT ID",
// and returns the positional arguments. --help prints the command's help
// to stdout (and returns errHelp).
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(fs, err, stdout)
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
