package mock_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/mock"
)

// A mock for a test: start it, point the client at its URL, close it.
func Example() {
	srv := mock.MustNew()
	defer srv.Close()

	c, err := client.New(
		client.WithBaseURL(srv.URL()),
		client.WithCredentials(mock.DefaultClientID, mock.DefaultClientSecret),
	)
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()

	ctx := context.Background()
	st, err := c.WaitDigiLocker(ctx, client.ByVerificationID("kyc-001"), client.PollOptions{Interval: time.Millisecond})
	if err != nil {
		panic(err)
	}
	fmt.Println(*st.Status, *st.UserDetails.Eaadhaar)
	// Output: AUTHENTICATED Y
}

// An id's prefix picks its scenario, like a test card number.
func Example_scenarios() {
	srv := mock.MustNew(mock.WithPolls(1))
	defer srv.Close()
	c, _ := client.New(client.WithBaseURL(srv.URL()), client.WithCredentials(mock.DefaultClientID, mock.DefaultClientSecret))
	defer c.CloseIdleConnections()
	ctx := context.Background()
	poll := client.PollOptions{Interval: time.Millisecond}

	for _, id := range []string{"kyc-1", "expired_kyc-2", "denied_kyc-3"} {
		st, _ := c.WaitDigiLocker(ctx, client.ByVerificationID(id), poll)
		fmt.Println(id, *st.Status)
	}
	cs, _ := c.WaitConsent(ctx, client.ByVerificationID("revoked_c-1"), poll)
	fmt.Println("revoked_c-1", *cs.Status)

	_, err := c.DigiLockerStatus(ctx, client.ByVerificationID("unknown_kyc-4"))
	fmt.Println(errors.Is(err, client.ErrNotFound))
	// Output:
	// kyc-1 AUTHENTICATED
	// expired_kyc-2 EXPIRED
	// denied_kyc-3 CONSENT_DENIED
	// revoked_c-1 REVOKED
	// true
}

// Faults on purpose: here the first two requests for the consent fail
// with 503 and the client's retries get through.
func Example_faults() {
	srv := mock.MustNew(mock.WithFaults(mock.Fault{
		Kind: mock.FaultStatus, Status: 503, Operation: "consent", Times: 2,
	}))
	defer srv.Close()
	c, _ := client.New(
		client.WithBaseURL(srv.URL()),
		client.WithCredentials(mock.DefaultClientID, mock.DefaultClientSecret),
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}),
	)
	defer c.CloseIdleConnections()

	st, err := c.ConsentStatus(context.Background(), client.ByVerificationID("consent-1"))
	fmt.Println(*st.Status, err, srv.Stats().Faults[mock.FaultStatus])
	// Output: PENDING <nil> 2
}

// Large, realistic financial information for tests and benchmarks.
func ExampleGenerateFI() {
	fi := mock.GenerateFI(mock.FIOptions{Seed: 1, Accounts: 3, Transactions: 1000})
	n := 0
	for _, fip := range fi.FIData {
		for _, acc := range fip.Accounts {
			n += len(acc.Data.Account.Transactions.Transaction)
		}
	}
	fmt.Println(len(fi.FIData), "providers,", n, "transactions")
	// Output: 2 providers, 3000 transactions
}
