// Package mock is a local stand-in for the Cashfree Verification (Secure ID)
// API: the five operations of openapi/verification.yaml, served from that
// spec, with state, scenarios chosen by id, faults on purpose and realistic
// fake data. It answers like the vendor's sandbox, without credentials, a
// network or rate limits, and it can be told to fail.
//
// # In a Go test
//
//	srv, err := mock.New()           // 127.0.0.1, a free port
//	if err != nil { t.Fatal(err) }
//	t.Cleanup(srv.Close)
//	c, err := client.New(
//		client.WithBaseURL(srv.URL()), // http://127.0.0.1:PORT/verification
//		client.WithCredentials(mock.DefaultClientID, mock.DefaultClientSecret))
//
// Standalone, for tests in other languages: `cfverify mock --addr
// 127.0.0.1:8080`, then point the client at http://127.0.0.1:8080/verification
// with client id cf_test_client and secret cf_test_secret.
//
// # Requests
//
// Every operation is served under /verification (like the real servers)
// and at the bare path. Requests are checked the way the vendor does, with
// the vendor's error bodies: x-client-id and x-client-secret present (400
// x-client-id_missing, x-client-secret_missing) and equal to the configured
// ones (401 authentication_failed); a bearer token for user details (400
// access_token_missing); x-api-version present and a date; exactly one
// lookup id (400 invalid_request "Please provide verification_id or
// reference_id"), well formed (400 verification_id_value_invalid,
// consent_ref_id_value_invalid, …) and known (404). Whatever else the spec
// forbids is a 400 invalid_request naming the rule, from the shared
// validator (openapi.Validator). A repeated verification_id on POST
// /user/data-availability answers 409 verification_id_already_exists.
//
// # Creating verifications
//
// The spec has no create endpoints, so ids are created the first time they
// are asked about: GET /digilocker?verification_id=anything makes a
// DigiLocker verification with the scenario its prefix names (the default
// for none), and answers with its reference_id, which then finds it too. A
// reference id the mock never handed out answers 404, as does any id with
// the unknown_ prefix. POST /user/data-availability records its
// verification_id. WithStrictIDs limits ids to those of the id table
// (WithScenarioIDs, fixtures) and Handler.Create (or POST
// /_mock/create?resource=digilocker&id=ID&scenario=NAME).
//
// # State
//
// Each status but the last of a path is answered for WithPolls GETs (default
// 2) or, with WithStageDuration, until that much time has passed, whichever
// comes first. The default paths:
//
//	DigiLocker  PENDING → AUTHENTICATED
//	consent     PENDING → PROCESSING → SUCCESS
//	FI          PENDING → ACTIVE → SUCCESS (3 accounts, 25 transactions each)
//
// FI accounts are PENDING (data null) while the request is PENDING; the
// first account is delivered while it is ACTIVE; every account has its
// final status (DELIVERED with data, or DENIED/TIMEOUT with data null)
// after that.
//
// # Scenarios
//
// An id's prefix chooses its scenario, like a test card number; prefixes
// stack ("slow_partial_kyc-1"). The same id gets the same data and
// reference id on every run with the same seed.
//
//	prefix       DigiLocker                consent                           FI / accounts                         data availability, user details
//	(none)       PENDING→AUTHENTICATED     PENDING→PROCESSING→SUCCESS        PENDING→ACTIVE→SUCCESS, 3 DELIVERED   all 11 scopes
//	instant_     the last status at once   the last status at once           the last status at once
//	slow_        each status lasts 5× as many polls (and 5× the stage duration)
//	expired_     PENDING→EXPIRED           PENDING→EXPIRED                   PENDING→EXPIRED, 2 TIMEOUT            token: 401 authentication_failed
//	denied_      PENDING→CONSENT_DENIED    PENDING→REJECTED                  PENDING→FAILED, 2 DENIED              token: 403 access_denied
//	rejected_                              PENDING→PROCESSING→REJECTED
//	revoked_                               PENDING→PROCESSING→REVOKED
//	paused_                                PENDING→PROCESSING→PAUSED
//	failed_                                                                  PENDING→ACTIVE→FAILED, DENIED+TIMEOUT
//	partial_                                                                 SUCCESS with DELIVERED, DENIED, TIMEOUT  4 scopes (MOBILE, NAME, PAN, DOB)
//	empty_                                                                   SUCCESS with no accounts              no scopes
//	large_                                                                   4 accounts × 2,500 transactions
//	noaadhaar_   AUTHENTICATED with eaadhaar N and document_consent null
//	unknown_     404                       404                               404                                   token: 400 access_token_value_invalid
//	nobalance_   422 insufficient_balance, on every operation
//	blocked_     403 ip_validation_failed, on every operation
//	invalid_                                                                                                       token: 400 access_token_value_invalid
//	dlconsentexpired_  PENDING→AUTHENTICATED, then webhook DIGILOCKER_VERIFICATION_CONSENT_EXPIRED
//	dlfailure_   PENDING, then webhook DIGILOCKER_VERIFICATION_FAILURE
//	duplicated_  every webhook event of the id sent twice (a fault)
//
// Fault prefixes, which must come first ("flaky_expired_x"), fail the first
// requests naming each such id, then answer normally:
//
//	flaky_        two 503s (JSON)
//	ratelimited_  one 429 with Retry-After: 1
//	reset_        one connection reset
//	truncated_    one truncated body
//	gateway_      one 502 HTML page
//
// Scenarios of your own: WithScenario("stuck", Scenario{DigiLocker: ...})
// makes "stuck" usable as a prefix and in the id table; WithScenarioIDs
// maps exact ids to scenario names; WithFixtureFile loads both, and faults,
// from JSON (see Fixture).
//
// # Faults
//
// Fault rules fail requests on purpose, per operation, by rate (seeded:
// WithSeed makes a run repeatable) or by id, a number of times or for ever:
//
//	latency     wait, then answer (latencies add up)
//	rate_limit  429 too_many_requests_per_operation, Retry-After header
//	status      500, 502 or 503 with the vendor's JSON error, or an HTML page
//	reset       close the connection with a TCP reset, no answer
//	truncate    a 200 whose Content-Length promises more than is sent
//
// Stats counts them by kind; ParseFault reads the command line's form
// ("kind=status,status=503,op=fi,rate=0.1").
//
// # Self-check
//
// With the self-check on (the default), every response is validated against
// the spec before it is sent, body and headers, and checked for properties
// or enum values the spec does not declare. A response that fails is
// replaced by a 500 internal_error mock_response_invalid whose message
// lists the violations, recorded (Violations) and logged at error level.
// Faults the spec cannot describe (an HTML page, a 503, a reset, a
// truncated body) are exempt; so are the mock's own endpoints.
//
// Answers are deterministic per id, scenario and stage, so the self-check
// validates each distinct answer once (operation, status, headers and every
// byte of the body, compared exactly) and gives every later send of the same
// bytes that verdict, a failure included: no answer leaves unchecked, and
// none is validated twice while the verdicts fit in 16 MiB of bodies and keys (past
// that they are forgotten and checked afresh). Data availability's answers
// are new every time (a new record, a new reference id), and so are its
// requests (a new verification id): for them the verdict kept is that of
// the body with its ids replaced by stand-ins, and the ids themselves are
// checked on every send, against the schemas the spec gives them. The spec
// decides that this is the whole check (specmember.CheckResponse and
// CheckRequest, held to the whole body's check by tests); where it
// is not, the body is validated whole. Stats.SelfChecks counts the
// validations, Stats.Checked the responses that passed. The status
// operations keep each record's answer for its current stage as bytes, and
// user details keep each token's, so a poll costs a lookup. Turn it off
// (WithSelfCheck(false)) to make the mock send a status the spec does not
// list yet, for a test of a client's tolerance.
//
// # Webhooks
//
// With WithWebhookURL the mock calls back as Cashfree does: when an id
// reaches a status that has an event, by polls or by time, it POSTs the
// signed event (see package webhook), retrying with backoff
// (WithWebhookRetries, WithWebhookTimeout); WithWebhookDuplicates sends
// copies on purpose. Webhooks and GET /_mock/webhooks list the deliveries.
//
// # Data
//
// Names, numbers and addresses are obviously fake ("Asha Testkumar",
// "ZZZPZ1234Z", "Flat 12, Test Residency"); GenerateFI makes financial
// information of any size with running balances that add up.
package mock
