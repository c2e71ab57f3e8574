package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"time"

	"github.com/cfverify/cfverify/mask"
	"github.com/cfverify/cfverify/verification"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/openapi"
	"github.com/cfverify/cfverify/openapi/wire"
)

// exampleServer stands in for the Cashfree sandbox: it serves the spec's own
// examples under /verification. The verification id "missing" gets a 404,
// and "wait-demo" is PENDING on the first poll and AUTHENTICATED after.
func exampleServer() *httptest.Server {
	examples := openapi.MustLoad().Components.Examples
	body := func(name string) []byte {
		b, err := json.Marshal(examples[name].Value.Value)
		if err != nil {
			panic(err)
		}
		return b
	}
	write := func(w http.ResponseWriter, status int, b []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-example-1")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
	var polls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /verification/user/data-availability", func(w http.ResponseWriter, _ *http.Request) {
		write(w, 200, body("DataAvailabilitySuccess"))
	})
	mux.HandleFunc("GET /verification/oauth2/user-details", func(w http.ResponseWriter, _ *http.Request) {
		write(w, 200, body("UserDetailsSuccess"))
	})
	mux.HandleFunc("GET /verification/digilocker", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("verification_id") {
		case "missing":
			write(w, 404, body("DigiLocker404ValidationIdNotFound"))
		case "wait-demo":
			if polls.Add(1) == 1 {
				write(w, 200, body("DigiLockerPending"))
				return
			}
			write(w, 200, body("DigiLockerAuthenticated"))
		default:
			write(w, 200, body("DigiLockerAuthenticated"))
		}
	})
	mux.HandleFunc("GET /verification/aa/consent", func(w http.ResponseWriter, _ *http.Request) {
		write(w, 200, body("ConsentExample"))
	})
	mux.HandleFunc("GET /verification/aa/fi", func(w http.ResponseWriter, _ *http.Request) {
		write(w, 200, body("FIExample"))
	})
	return httptest.NewServer(mux)
}

// exampleClient is a Client for the example server.
func exampleClient(srv *httptest.Server) *client.Client {
	c, err := client.New(
		client.WithBaseURL(srv.URL+"/verification"),
		client.WithCredentials("CF_TEST_ID", "cfsk_test_secret"),
	)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleNew() {
	c, err := client.New(
		client.WithEnvironment(client.Production),
		client.WithCredentials("CF_CLIENT_ID", "cfsk_ma_prod_secret"),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 4, BaseDelay: 250 * time.Millisecond}),
		client.WithAttemptTimeout(30*time.Second),
		client.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.BaseURL())
	fmt.Println(c) // never prints the secret

	// Misconfiguration fails here, not at the first call.
	_, err = client.New(client.WithCredentials("CF_CLIENT_ID", ""))
	fmt.Println(errors.Is(err, client.ErrConfig))
	// Output:
	// https://api.cashfree.com/verification
	// cfverify.Client{base: https://api.cashfree.com/verification, credentials: true, signature: false}
	// true
}

func ExampleFromEnv() {
	// FromEnv reads CASHFREE_CLIENT_ID, CASHFREE_CLIENT_SECRET,
	// CASHFREE_PUBLIC_KEY and CASHFREE_ENV; FromEnvLookup takes the lookup
	// function, here a map instead of the process environment.
	env := map[string]string{
		client.EnvClientID:     "CF_CLIENT_ID",
		client.EnvClientSecret: "cfsk_ma_test_secret",
		client.EnvEnvironment:  "sandbox",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c, err := client.New(client.FromEnvLookup(lookup), client.WithUserAgent("my-onboarding/1.0"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.BaseURL(), c.HasCredentials())
	// Output:
	// https://sandbox.cashfree.com/verification true
}

func ExampleClient_DataAvailability() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)
	defer c.CloseIdleConnections()

	res, err := c.DataAvailability(context.Background(), client.DataAvailabilityParams{
		VerificationID: "onboard-2024-001",
		Mobile:         "9988123456",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("reference id:", res.ReferenceID.String())
	for _, s := range res.AvailableScopes[:3] {
		fmt.Println("available:", *s.Scope)
	}
	// Output:
	// reference id: 3123123
	// available: AADHAAR
	// available: PAN
	// available: DOB
}

func ExampleClient_UserDetails() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)
	defer c.CloseIdleConnections()

	details, err := c.UserDetails(context.Background(), "user-oauth-access-token")
	if err != nil {
		log.Fatal(err)
	}
	aadhaar := details.Aadhaar
	md := aadhaar[0].Metadata
	dob, _ := verification.ParseDate(*md.DOB) // DD-MM-YYYY here
	fmt.Println("aadhaar:", *md.Aadhaar, "confidence:", *aadhaar[0].ConfidenceScore)
	fmt.Println("name:", mask.Field("name", *md.Name), "born:", dob.Year())

	pan := details.PAN
	fmt.Println("pan:", mask.Field("pan", *pan[0].Metadata.PAN))
	fmt.Println("has income:", details.Has(verification.ScopeINCOME))
	// Output:
	// aadhaar: xxxxxxxx9012 confidence: 0.85
	// name: **** born: 1995
	// pan: XXXXXX234F
	// has income: true
}

func ExampleClient_DigiLockerStatus() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)
	defer c.CloseIdleConnections()

	st, err := c.DigiLockerStatus(context.Background(), client.ByVerificationID("ABC00123"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*st.Status, verification.IsTerminalDigiLocker(*st.Status))
	fmt.Println("documents:", st.DocumentConsent)
	// Output:
	// AUTHENTICATED true
	// documents: [AADHAAR PAN]
}

func ExampleClient_ConsentStatus() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)
	defer c.CloseIdleConnections()

	st, err := c.ConsentStatus(context.Background(), client.ByReferenceID(wire.NewIntID(67890)))
	if err != nil {
		log.Fatal(err)
	}
	expiry, err := st.ConsentExpiry.Time() // keeps the offset the server sent
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*st.Status, *st.ConsentMode, expiry.Format(time.DateOnly))
	// Output:
	// SUCCESS STORE 2024-12-31
}

func ExampleClient_FinancialInformation() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)
	defer c.CloseIdleConnections()

	fi, err := c.FinancialInformation(context.Background(), client.ByVerificationID("Fi_12345"))
	if err != nil {
		log.Fatal(err)
	}
	for acc := range fi.Accounts() {
		if bal, ok, err := acc.Balance(); err == nil && ok {
			fmt.Println(acc.FIPID, acc.MaskedAccNumber, "balance", bal.Current, bal.Currency)
		} else {
			fmt.Println(acc.FIPID, acc.MaskedAccNumber, acc.Status)
		}
	}
	for tx, err := range fi.Transactions() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(tx.Timestamp.Format(time.RFC3339), tx.Type, tx.Signed(), "balance", tx.Balance.Decimal)
	}
	// Output:
	// FIP_1 XXXXXX4363 balance 666.33 INR
	// FIP_2 XXXXXX4372 PENDING
	// 2021-04-01T13:20:14+05:30 DEBIT -129 balance 567.25
}

func ExampleClient_WaitDigiLocker() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)
	defer c.CloseIdleConnections()

	// The context is the only deadline; OnPoll reports progress.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	st, err := c.WaitDigiLocker(ctx, client.ByVerificationID("wait-demo"), client.PollOptions{
		Interval: 10 * time.Millisecond,
		OnPoll: func(p client.PollProgress) {
			fmt.Printf("poll %d: %s\n", p.Poll, p.Status)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	if *st.Status == verification.DigiLockerAuthenticated {
		fmt.Println("verified")
	}
	// Output:
	// poll 1: PENDING
	// poll 2: AUTHENTICATED
	// verified
}

func Example_errorHandling() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)
	defer c.CloseIdleConnections()

	_, err := c.DigiLockerStatus(context.Background(), client.ByVerificationID("missing"))
	var apiErr *client.Error
	switch {
	case errors.Is(err, client.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Println("not found:", apiErr.Code, apiErr.RequestID)
	case errors.Is(err, client.ErrRateLimited):
		fmt.Println("slow down")
	case err != nil:
		fmt.Println("failed:", err)
	}
	fmt.Println(err)

	// Bad input is caught before anything is sent.
	_, err = c.DataAvailability(context.Background(), client.DataAvailabilityParams{VerificationID: "v1", Mobile: "+91 99881 23456"})
	var inErr *client.InputError
	if errors.As(err, &inErr) {
		fmt.Println(inErr.Field, "->", inErr.Rule)
	}
	// Output:
	// not found: verification_id_value_invalid req-example-1
	// cfverify: getDigiLockerStatus: HTTP 404 Not Found: not_found_error/verification_id_value_invalid: Please enter a valid verification_id [request id req-example-1]
	// mobile -> must be exactly 10 digits, without country code, spaces or signs
}
