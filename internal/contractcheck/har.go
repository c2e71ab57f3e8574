package contractcheck

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cfverify/cfverify/mask"
)

// The parts of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/)
// the checker reads, with the extensions of the tools that write it:
// browsers, mitmproxy, Playwright (bodies in files beside the HAR, "_file")
// and Charles (every body in base64).
type harFile struct {
	Log *struct {
		Creator struct {
			Name string `json:"name"`
		} `json:"creator"`
		Entries *[]harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"` // milliseconds
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
}

type harRequest struct {
	Method   string       `json:"method"`
	URL      string       `json:"url"`
	Headers  []harNV      `json:"headers"`
	PostData *harPostData `json:"postData"`
	BodySize *int64       `json:"bodySize"` // -1 or absent: not known
}

type harResponse struct {
	Status  int        `json:"status"`
	Headers []harNV    `json:"headers"`
	Content harContent `json:"content"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	Text     *string `json:"text"`
	Encoding string  `json:"encoding"` // not in HAR 1.2, written by some tools
	File     string  `json:"_file"`    // Playwright's recordHar with content: "attach", beside "text": ""
}

type harContent struct {
	Size     int64   `json:"size"`
	Text     *string `json:"text"`
	Encoding string  `json:"encoding"`
	File     string  `json:"_file"` // Playwright's recordHar with content: "attach"
}

// HARProblem is an entry of one of the spec's operations that could not be
// read: an unreadable URL, a body in an unknown or broken encoding, a
// missing attached file.
type HARProblem struct {
	Entry     int // counted from 1
	Method    string
	Path      string
	Operation string
	Message   string
}

func (p HARProblem) String() string {
	return fmt.Sprintf("entry %d %s %s: %s", p.Entry, p.Method, p.Path, p.Message)
}

// ErrNotHAR is the error of a file that is not a HAR (not JSON, or no log.entries).
var ErrNotHAR = errors.New("not a HAR file")

// CheckHAR checks every entry of a HAR whose method and URL path belong
// to one of the spec's operations, request and response, and records each
// in rec; other entries are recorded as Skipped. dir is where files a HAR
// refers to live (the HAR's own directory). The error is for a file that
// is not a HAR at all; entries that cannot be read are returned as
// problems, and the others are still checked.
func CheckHAR(ctx context.Context, c *Checker, data []byte, dir string, rec *Recorder) ([]HARProblem, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark, as some Windows tools write
	var har harFile
	if err := json.Unmarshal(data, &har); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotHAR, jsonErrorAt(data, err))
	}
	if har.Log == nil || har.Log.Entries == nil {
		return nil, fmt.Errorf("%w: it is JSON, but has no log.entries", ErrNotHAR)
	}
	capture := harCaptureOf(har.Log.Creator.Name, *har.Log.Entries)
	var problems []HARProblem
	for i, e := range *har.Log.Entries {
		n := i + 1
		method := strings.ToUpper(e.Request.Method)
		u, err := url.Parse(e.Request.URL)
		if err != nil {
			// Without a path there is no telling its operation: a problem only
			// if it could be one of ours, which we cannot know, so report it.
			problems = append(problems, HARProblem{Entry: n, Method: method, Message: "request.url does not parse as a URL"})
			continue
		}
		op, ok := c.validator.Operation(method, u.Path)
		started, _ := time.Parse(time.RFC3339Nano, e.StartedDateTime)
		if !ok {
			rec.Add(Result{Time: started, Entry: n, Method: method, Path: mask.PII(u.Path), Skipped: true})
			continue
		}
		x, err := e.exchange(method, u, dir, capture)
		if err != nil {
			problems = append(problems, HARProblem{Entry: n, Method: method, Path: mask.PII(u.Path), Operation: op, Message: mask.PII(err.Error())})
			continue
		}
		r := c.Check(ctx, x)
		r.Time, r.Entry, r.LatencyMS = started, n, max(e.Time, 0)
		rec.Add(r)
	}
	return problems, nil
}

// harCapture is what the whole HAR says about how it was recorded, so
// that a hint about a missing body names what the HAR shows rather than
// guessing: which tool wrote it, and whether it kept any body at all.
type harCapture struct {
	tool       string // log.creator.name
	keptBodies bool   // some entry carries a request or response body
}

func harCaptureOf(tool string, entries []harEntry) harCapture {
	hc := harCapture{tool: tool}
	for _, e := range entries {
		if pd := e.Request.PostData; pd != nil && (pd.File != "" || (pd.Text != nil && *pd.Text != "")) {
			hc.keptBodies = true
			break
		}
		if c := e.Response.Content; c.File != "" || (c.Text != nil && *c.Text != "") {
			hc.keptBodies = true
			break
		}
	}
	return hc
}

// noBodiesHint says how to record bodies with the tool that wrote a HAR
// which kept none.
func (hc harCapture) noBodiesHint() string {
	switch {
	case strings.EqualFold(hc.tool, "Playwright"):
		return `no entry of this HAR keeps a body, as Playwright's recordHar writes with content "omit": record with content "embed" or "attach"`
	case strings.Contains(strings.ToLower(hc.tool), "mitmproxy"):
		return "no entry of this HAR keeps a body: mitmproxy's har_dump keeps them unless the flows were streamed (stream_large_bodies)"
	default:
		return `no entry of this HAR keeps a body: export it with content (a browser's "Save all as HAR with content", Playwright's recordHar content "embed" or "attach")`
	}
}

// exchange turns an entry into an Exchange, decoding its bodies. A body
// the HAR does not hold is not a violation but unchecked, with the reason
// the HAR gives, unless the HAR says no body was sent (bodySize 0, or a
// response of size 0): then the empty body is checked like any other.
func (e *harEntry) exchange(method string, u *url.URL, dir string, capture harCapture) (Exchange, error) {
	x := Exchange{
		Method: method, URL: u,
		RequestHeader: harHeader(e.Request.Headers), ResponseHeader: harHeader(e.Response.Headers),
		Status: e.Response.Status,
	}
	var reqText *string
	var reqEncoding, reqFile string
	if pd := e.Request.PostData; pd != nil {
		reqText, reqEncoding, reqFile = pd.Text, pd.Encoding, pd.File
	}
	body, present, err := harBody(reqText, reqEncoding, reqFile, dir)
	switch {
	case err != nil:
		return x, fmt.Errorf("request.postData: %w", err)
	case present:
		x.RequestBody = body
	case e.Request.BodySize != nil && *e.Request.BodySize == 0:
		// The HAR says nothing was sent: an empty body, checked as such.
	default:
		x.RequestUnavailable = e.missingRequestBody(capture)
	}
	if x.Status <= 0 {
		// Browsers write status 0 for a request that got no answer.
		x.ResponseUnavailable = "the capture holds no response (status 0: blocked, failed or cancelled)"
		return x, nil
	}
	c := e.Response.Content
	body, present, err = harBody(c.Text, c.Encoding, c.File, dir)
	switch {
	case err != nil:
		return x, fmt.Errorf("response.content: %w", err)
	case present:
		x.ResponseBody = body
	case c.Size != 0:
		x.ResponseUnavailable = missingResponseBody(c.Size, capture)
	}
	return x, nil
}

// missingRequestBody says why a request's body is not in the HAR, from
// what the HAR says: the size it gives and whether it kept other bodies.
func (e *harEntry) missingRequestBody(capture harCapture) string {
	what := "the HAR holds no request body (request.postData is missing)"
	if pd := e.Request.PostData; pd != nil {
		what = `the HAR holds no request body (request.postData.text is empty, no "_file")`
	}
	switch size := e.Request.BodySize; {
	case size != nil && *size > 0:
		what += fmt.Sprintf(" though request.bodySize says %d bytes were sent", *size)
	default:
		what += " and request.bodySize does not say whether one was sent"
	}
	if !capture.keptBodies {
		return what + ": " + capture.noBodiesHint()
	}
	return what + ": other entries keep theirs, so the recorder dropped this one"
}

// missingResponseBody says why a response's body is not in the HAR.
func missingResponseBody(size int64, capture harCapture) string {
	const what = "the HAR holds no response text (response.content has neither text nor _file)"
	switch {
	case size < 0:
		return what + " and response.content.size is -1: the recorder never saw the body end (a request cut short, such as a navigation or a page closed first)"
	case !capture.keptBodies:
		return what + ": " + capture.noBodiesHint()
	default:
		return what + fmt.Sprintf(" though response.content.size says %d bytes: other entries keep theirs, so the recorder dropped this one", size)
	}
}

// harBody reads a body as HAR tools write it: text, in base64 when
// encoding says so, or a file beside the HAR (Playwright's "attach",
// which writes an empty text beside "_file"). present is false when the
// HAR holds no body: no text and no file, or an empty text alone.
func harBody(text *string, encoding, file, dir string) (body []byte, present bool, err error) {
	switch {
	case file != "" && (text == nil || *text == ""):
		if !filepath.IsLocal(file) {
			return nil, false, fmt.Errorf("_file %q is not a path inside the HAR's directory", file)
		}
		if body, err = os.ReadFile(filepath.Join(dir, file)); err != nil {
			return nil, false, fmt.Errorf("_file %q: %w", file, errors.Unwrap(err))
		}
		return body, true, nil // attached files hold the bytes themselves
	case text != nil && *text != "":
		body = []byte(*text)
	default:
		return nil, false, nil
	}
	switch strings.ToLower(encoding) {
	case "":
		return body, true, nil
	case "base64":
		decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(body)))
		if err != nil {
			if decoded, err = base64.RawStdEncoding.DecodeString(strings.TrimSpace(string(body))); err != nil {
				return nil, false, errors.New(`encoding "base64", but the text is not valid base64`)
			}
		}
		return decoded, true, nil
	}
	return nil, false, fmt.Errorf("encoding %q is not one HAR knows (only base64)", encoding)
}

// harHeader builds a header from a HAR list, leaving out HTTP/2's
// pseudo-headers (":authority", ":path", …) that browsers list.
func harHeader(list []harNV) http.Header {
	h := http.Header{}
	for _, nv := range list {
		if nv.Name == "" || strings.HasPrefix(nv.Name, ":") {
			continue
		}
		h.Add(nv.Name, nv.Value)
	}
	return h
}

// jsonErrorAt describes a JSON error with its line and column, never
// quoting the data (a HAR is full of credentials).
func jsonErrorAt(data []byte, err error) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &syntax):
		off = syntax.Offset
	case errors.As(err, &typeErr):
		return fmt.Sprintf("%s is a JSON %s, not what HAR 1.2 has there", cmpOrDollar(typeErr.Field), typeErr.Value)
	}
	if off < 0 {
		return "it is not JSON"
	}
	line, col := 1, 1
	// Offset counts the byte that failed: the column is that byte's.
	for _, b := range data[:min(max(off-1, 0), int64(len(data)))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	msg := err.Error()
	if syntax != nil && strings.HasPrefix(msg, "invalid character") {
		msg = "an invalid character" // the character itself may be a secret's first byte
	}
	return fmt.Sprintf("it is not JSON (%s at line %d, column %d)", msg, line, col)
}

func cmpOrDollar(field string) string {
	if field == "" {
		return "the document"
	}
	return field
}
