package mock

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"time"
)

// Default test credentials: requests must carry these unless WithCredentials
// says otherwise.
const (
	DefaultClientID     = "cf_test_client"
	DefaultClientSecret = "cf_test_secret"
)

// DefaultAddr is where New listens unless WithAddr says otherwise: a free
// port on the loopback interface.
const DefaultAddr = "127.0.0.1:0"

// SpecValidator is what the mock needs of the shared spec validator
// (*openapi.Validator): checking requests and responses against the spec.
type SpecValidator interface {
	ValidateRequest(ctx context.Context, req *http.Request, body []byte) error
	ValidateResponse(ctx context.Context, operationID string, status int, header http.Header, body []byte) error
}

type config struct {
	addr                   string
	clientID, clientSecret string
	seed                   uint64
	polls                  int
	stageDuration          time.Duration
	clock                  func() time.Time
	selfCheck              bool
	strictIDs              bool
	ids                    map[string]string
	named                  map[string]Scenario
	faults                 []Fault
	logger                 *slog.Logger
	signatureKey           *rsa.PrivateKey
	validator              SpecValidator
	webhook                *webhookConfig // webhook_options.go; nil: no webhooks
	maxRecords             int            // retention.go
	recordTTL              time.Duration
}

func defaultConfig() config {
	return config{
		addr:         DefaultAddr,
		clientID:     DefaultClientID,
		clientSecret: DefaultClientSecret,
		seed:         1,
		polls:        2,
		clock:        time.Now,
		selfCheck:    true,
		ids:          map[string]string{},
		named:        map[string]Scenario{},
		logger:       slog.New(slog.DiscardHandler),
		maxRecords:   DefaultMaxRecords,
		recordTTL:    DefaultRecordTTL,
	}
}

// Option configures a mock. An option that gets bad input returns an
// error, and New (or NewHandler) reports every such error at once.
type Option func(*config) error

// buildConfig applies opts to the defaults, collecting their errors.
func buildConfig(opts []Option) (config, error) {
	cfg := defaultConfig()
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			errs = append(errs, err)
		}
	}
	return cfg, errors.Join(errs...)
}

// WithAddr sets the address New listens on (default 127.0.0.1:0, a free
// loopback port).
func WithAddr(addr string) Option { return func(c *config) error { c.addr = addr; return nil } }

// WithCredentials sets the client id and secret requests must carry
// (default cf_test_client / cf_test_secret).
func WithCredentials(clientID, clientSecret string) Option {
	return func(c *config) error {
		if clientID == "" || clientSecret == "" {
			return errors.New("mock: WithCredentials needs a client id and a secret")
		}
		c.clientID, c.clientSecret = clientID, clientSecret
		return nil
	}
}

// WithSeed seeds everything random: generated data, reference ids and
// faults by rate. The same seed and the same requests give the same answers.
func WithSeed(seed uint64) Option { return func(c *config) error { c.seed = seed; return nil } }

// WithPolls sets how many GETs each status but the last is answered for
// (default 2: PENDING, PENDING, then AUTHENTICATED). 0 leaves only time
// (WithStageDuration) to move things on.
func WithPolls(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("mock: WithPolls(%d): negative", n)
		}
		c.polls = n
		return nil
	}
}

// WithStageDuration makes each status but the last also end after d
// (whichever comes first, polls or time). 0, the default, turns time off.
func WithStageDuration(d time.Duration) Option {
	return func(c *config) error { c.stageDuration = d; return nil }
}

// WithClock sets the clock the mock reads (default time.Now), for tests
// that move time on by hand.
func WithClock(now func() time.Time) Option {
	return func(c *config) error { c.clock = now; return nil }
}

// WithSelfCheck turns the response self-check on (the default) or off.
// When on, every response the mock sends is validated against the spec
// first; one that breaks it is replaced by a 500 mock_response_invalid and
// recorded (Violations) and logged. Deliberate faults that the spec cannot
// describe (a 503, an HTML page, a reset, a truncated body) are exempt.
func WithSelfCheck(on bool) Option { return func(c *config) error { c.selfCheck = on; return nil } }

// WithStrictIDs makes ids exist only when listed with WithScenarioIDs or a
// fixture, or made with Create: every other id answers 404. By default any
// well-formed id is created the first time it is asked about.
func WithStrictIDs(on bool) Option { return func(c *config) error { c.strictIDs = on; return nil } }

// WithScenario adds a scenario under a name, usable in the id table and as
// an id prefix ("name_..."). Names are letters, digits and hyphens.
func WithScenario(name string, s Scenario) Option {
	return func(c *config) error {
		if err := checkScenarioName(name); err != nil {
			return err
		}
		if err := s.validate(); err != nil {
			return fmt.Errorf("mock: scenario %q: %w", name, err)
		}
		c.named[name] = s
		return nil
	}
}

var scenarioName = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

func checkScenarioName(name string) error {
	if !scenarioName.MatchString(name) {
		return fmt.Errorf("mock: scenario name %q: use letters, digits and hyphens (an underscore separates stacked names)", name)
	}
	return nil
}

// WithScenarioIDs maps ids to scenario names, like a table of test card
// numbers: {"ABC00123": "expired", "KYC-7": "slow_partial"}. An entry wins
// over the id's prefixes.
func WithScenarioIDs(ids map[string]string) Option {
	return func(c *config) error {
		for id, name := range ids {
			c.ids[id] = name
		}
		return nil
	}
}

// WithFaults adds fault rules, tried in order after the built-in ones.
func WithFaults(faults ...Fault) Option {
	return func(c *config) error {
		var errs []error
		for _, f := range faults {
			if err := f.normalize(); err != nil {
				errs = append(errs, fmt.Errorf("mock: fault: %w", err))
				continue
			}
			c.faults = append(c.faults, f)
		}
		return errors.Join(errs...)
	}
}

// WithLogger logs each request at debug level (operation, status, fault)
// and each self-check violation at error level. Credentials, tokens and
// response bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l != nil {
			c.logger = l
		}
		return nil
	}
}

// WithSignatureKey makes the mock require the two-factor x-cf-signature on
// the operations authenticated by client id and secret: it must decrypt
// with key (RSA-OAEP, SHA-1) to "<client id>.<unix seconds>" within five
// minutes of now. Without it: 403 ip_validation_failed, as for a merchant
// whose IP is not whitelisted.
func WithSignatureKey(key *rsa.PrivateKey) Option {
	return func(c *config) error { c.signatureKey = key; return nil }
}

// WithValidator replaces the spec validator (default: the shared validator
// of the embedded spec).
func WithValidator(v SpecValidator) Option {
	return func(c *config) error { c.validator = v; return nil }
}

// Fixture is the JSON form of a mock's scenarios, id table and faults:
//
//	{
//	  "scenarios": {"stuck": {"digilocker": ["PENDING"], "polls_per_stage": 1}},
//	  "ids": {"ABC00123": "expired", "KYC-7": "slow_stuck"},
//	  "faults": [{"kind": "status", "operation": "fi", "status": 502, "html": true, "rate": 0.25},
//	             {"kind": "latency", "latency": "200ms"}]
//	}
type Fixture struct {
	Scenarios map[string]Scenario `json:"scenarios,omitempty"`
	IDs       map[string]string   `json:"ids,omitempty"`
	Faults    []Fault             `json:"faults,omitempty"`
}

// ReadFixture decodes a fixture, rejecting unknown fields.
func ReadFixture(r io.Reader) (Fixture, error) {
	var fx Fixture
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fx); err != nil {
		return fx, fmt.Errorf("mock: fixture: %w", err)
	}
	return fx, nil
}

// WithFixture adds a fixture's scenarios, ids and faults.
func WithFixture(fx Fixture) Option {
	return func(c *config) error {
		var errs []error
		for name, s := range fx.Scenarios {
			errs = append(errs, WithScenario(name, s)(c))
		}
		errs = append(errs, WithScenarioIDs(fx.IDs)(c), WithFaults(fx.Faults...)(c))
		return errors.Join(errs...)
	}
}

// WithFixtureFile reads a fixture from a JSON file (see Fixture).
func WithFixtureFile(path string) Option {
	return func(c *config) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("mock: %w", err)
		}
		fx, err := ReadFixture(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%w (%s)", err, path)
		}
		return WithFixture(fx)(c)
	}
}
