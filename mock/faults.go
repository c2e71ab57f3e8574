package mock

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cfverify/cfverify/internal/operation"
)

// FaultKind names a way the mock fails on purpose.
type FaultKind string

// The kinds of fault.
const (
	// FaultLatency delays the answer by Fault.Latency, then answers normally
	// (or with the next fault that fires).
	FaultLatency FaultKind = "latency"
	// FaultRateLimit answers 429 too_many_requests_per_operation with a
	// Retry-After header of Fault.RetryAfter seconds.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultStatus answers Fault.Status (500, 502 or 503; default 503) with
	// the vendor's JSON error body, or with a gateway's HTML page when
	// Fault.HTML is set.
	FaultStatus FaultKind = "status"
	// FaultReset closes the connection without an answer (a TCP reset).
	FaultReset FaultKind = "reset"
	// FaultTruncate sends the normal answer (usually a 200) with a
	// Content-Length larger than the half of the body it writes, then closes
	// the connection. The request took effect, as on a real server.
	FaultTruncate FaultKind = "truncate"
)

var faultKinds = []FaultKind{FaultLatency, FaultRateLimit, FaultStatus, FaultReset, FaultTruncate}

// Fault is one rule for failing on purpose. It applies to the requests of
// Operation (all when empty) that name an id in IDs or starting with
// IDPrefix (any id when both are empty); of those, it fires on a fraction
// Rate of them (every one when Rate is 0), at most Times times (no limit
// when 0), counted per id when PerID is set. Rules are tried in order:
// latencies add up, and the first other fault that fires answers.
//
// The id a request names is its lookup id: verification_id (from the body
// for the POST), reference_id, consent_verification_id, consent_ref_id,
// fi_verification_id or fi_ref_id (a reference is resolved to its id when
// the mock knows it), or the bearer token for user details.
type Fault struct {
	Kind       FaultKind     `json:"kind"`
	Operation  string        `json:"operation,omitempty"`
	IDs        []string      `json:"ids,omitempty"`
	IDPrefix   string        `json:"id_prefix,omitempty"`
	Rate       float64       `json:"rate,omitempty"`
	Times      int           `json:"times,omitempty"`
	PerID      bool          `json:"per_id,omitempty"`
	Latency    time.Duration `json:"-"`
	Status     int           `json:"status,omitempty"`
	HTML       bool          `json:"html,omitempty"`
	RetryAfter int           `json:"retry_after,omitempty"`
}

// UnmarshalJSON reads a fault from a fixture file; the latency is a Go
// duration string such as "250ms".
func (f *Fault) UnmarshalJSON(data []byte) error {
	type plain Fault
	var v struct {
		plain
		Latency string `json:"latency,omitempty"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*f = Fault(v.plain)
	if v.Latency != "" {
		d, err := time.ParseDuration(v.Latency)
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		f.Latency = d
	}
	return nil
}

// MarshalJSON writes a fault as fixture files have it.
func (f Fault) MarshalJSON() ([]byte, error) {
	type plain Fault
	v := struct {
		plain
		Latency string `json:"latency,omitempty"`
	}{plain: plain(f)}
	if f.Latency != 0 {
		v.Latency = f.Latency.String()
	}
	return json.Marshal(v)
}

// operationAliases lets people name operations as the CLI does (its
// command, or the resource: "consent-status", "consent"), from the table.
var operationAliases, aliasList = func() (map[string]string, string) {
	m := map[string]string{}
	var short []string
	for _, op := range operation.All {
		for _, name := range []string{op.Command, op.Resource} {
			if name != "" {
				m[name] = op.ID
			}
		}
		short = append(short, cmp.Or(op.Resource, op.Command))
	}
	return m, strings.Join(short, ", ")
}()

func canonicalOperation(name string) (string, error) {
	if name == "" || name == "*" || name == "all" {
		return "", nil
	}
	if op, ok := operationAliases[name]; ok {
		return op, nil
	}
	for _, op := range Operations() {
		if op == name {
			return op, nil
		}
	}
	return "", fmt.Errorf("unknown operation %q (use an operationId such as %s, or one of %s)", name, OpDigiLockerStatus, aliasList)
}

func (f *Fault) normalize() error {
	op, err := canonicalOperation(f.Operation)
	if err != nil {
		return err
	}
	f.Operation = op
	switch f.Kind {
	case FaultLatency:
		if f.Latency <= 0 {
			return fmt.Errorf("a latency fault needs a positive latency")
		}
	case FaultStatus:
		if f.Status == 0 {
			f.Status = http.StatusServiceUnavailable
		}
		if f.Status < 500 || f.Status > 599 {
			return fmt.Errorf("a status fault answers 5xx, not %d", f.Status)
		}
	case FaultRateLimit, FaultReset, FaultTruncate:
	default:
		return fmt.Errorf("unknown fault kind %q (one of %v)", f.Kind, faultKinds)
	}
	if f.Rate < 0 || f.Rate > 1 {
		return fmt.Errorf("rate %v is not between 0 and 1", f.Rate)
	}
	if f.Times < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("negative times or retry_after")
	}
	return nil
}

// ParseFault reads a fault from the command line's compact form: comma-
// separated key=value pairs, for example
//
//	kind=status,status=502,html=true,op=fi,rate=0.2
//	kind=latency,latency=300ms
//	kind=rate_limit,retry_after=2,ids=slowpoke-1|slowpoke-2,times=3
//
// Keys: kind, op (or operation), ids (separated by |), id_prefix, rate,
// times, per_id, latency, status, html, retry_after.
func ParseFault(s string) (Fault, error) {
	var f Fault
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return f, fmt.Errorf("fault %q: %q is not key=value", s, part)
		}
		var err error
		switch key {
		case "kind":
			f.Kind = FaultKind(val)
		case "op", "operation":
			f.Operation = val
		case "ids":
			f.IDs = strings.Split(val, "|")
		case "id_prefix":
			f.IDPrefix = val
		case "rate":
			f.Rate, err = strconv.ParseFloat(val, 64)
		case "times":
			f.Times, err = strconv.Atoi(val)
		case "per_id":
			f.PerID, err = strconv.ParseBool(val)
		case "latency":
			f.Latency, err = time.ParseDuration(val)
		case "status":
			f.Status, err = strconv.Atoi(val)
		case "html":
			f.HTML, err = strconv.ParseBool(val)
		case "retry_after":
			f.RetryAfter, err = strconv.Atoi(val)
		default:
			return f, fmt.Errorf("fault %q: unknown key %q", s, key)
		}
		if err != nil {
			return f, fmt.Errorf("fault %q: %s: %w", s, key, err)
		}
	}
	if err := f.normalize(); err != nil {
		return f, fmt.Errorf("fault %q: %w", s, err)
	}
	return f, nil
}

// builtinFaults answer for ids with a fault prefix, the first time(s) each
// such id is named; the prefix must come first in the id ("flaky_expired_x").
var builtinFaults = []Fault{
	{Kind: FaultStatus, IDPrefix: "flaky_", Status: http.StatusServiceUnavailable, Times: 2, PerID: true},
	{Kind: FaultRateLimit, IDPrefix: "ratelimited_", RetryAfter: 1, Times: 1, PerID: true},
	{Kind: FaultReset, IDPrefix: "reset_", Times: 1, PerID: true},
	{Kind: FaultTruncate, IDPrefix: "truncated_", Times: 1, PerID: true},
	{Kind: FaultStatus, IDPrefix: "gateway_", Status: http.StatusBadGateway, HTML: true, Times: 1, PerID: true},
}

// faultState holds the rules and what they have done; its random source is
// seeded, so a sequence of requests meets the same faults on every run.
type faultState struct {
	mu       sync.Mutex
	rules    []Fault
	rng      *rand.Rand
	fired    []int            // per rule
	firedID  []map[string]int // per rule, per id (PerID rules)
	injected map[FaultKind]int
}

func newFaultState(seed uint64, rules []Fault) *faultState {
	fs := &faultState{rules: rules, injected: map[FaultKind]int{}}
	fs.reset(seed)
	return fs
}

func (fs *faultState) reset(seed uint64) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rng = rand.New(rand.NewPCG(seed, 0xfa017fa017))
	fs.fired = make([]int, len(fs.rules))
	fs.firedID = make([]map[string]int, len(fs.rules))
	fs.injected = map[FaultKind]int{}
}

// decide returns the total latency to add and the fault to answer with, if
// any, for a request of op naming id.
func (fs *faultState) decide(op, id string) (time.Duration, *Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var delay time.Duration
	for i := range fs.rules {
		f := &fs.rules[i]
		if f.Operation != "" && f.Operation != op {
			continue
		}
		if len(f.IDs) > 0 || f.IDPrefix != "" {
			match := f.IDPrefix != "" && strings.HasPrefix(id, f.IDPrefix)
			for _, want := range f.IDs {
				match = match || want == id
			}
			if !match {
				continue
			}
		}
		if f.Times > 0 {
			n := fs.fired[i]
			if f.PerID {
				n = fs.firedID[i][id]
			}
			if n >= f.Times {
				continue
			}
		}
		if f.Rate > 0 && fs.rng.Float64() >= f.Rate {
			continue
		}
		fs.fired[i]++
		if f.PerID {
			if fs.firedID[i] == nil {
				fs.firedID[i] = map[string]int{}
			}
			fs.firedID[i][id]++
		}
		fs.injected[f.Kind]++
		if f.Kind == FaultLatency {
			delay += f.Latency
			continue
		}
		return delay, f
	}
	return delay, nil
}

func (fs *faultState) counts() map[FaultKind]int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make(map[FaultKind]int, len(fs.injected))
	for k, v := range fs.injected {
		out[k] = v
	}
	return out
}

// gatewayHTML is what a load balancer in front of an API sends when the
// service behind it is down: not JSON, not the vendor's shape.
func gatewayHTML(status int) string {
	text := strconv.Itoa(status) + " " + http.StatusText(status)
	return "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
}

// resetConnection hijacks the connection and closes it with SO_LINGER 0,
// so that the client sees a TCP reset rather than a clean end of stream.
func resetConnection(w http.ResponseWriter) error {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return err
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	return conn.Close()
}

// truncate hijacks the connection, writes the answer's status and a
// Content-Length that promises more than the half of body it sends, and
// closes the connection.
func truncate(w http.ResponseWriter, status int, body []byte) error {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return err
	}
	defer conn.Close()
	return writeTruncated(rw.Writer, status, body)
}

func writeTruncated(bw *bufio.Writer, status int, body []byte) error {
	half := body[:len(body)/2]
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		status, http.StatusText(status), len(body))
	_, _ = bw.Write(half)
	return bw.Flush()
}
