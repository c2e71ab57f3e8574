package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/spf13/pflag"
	"net"

	"github.com/cfverify/cfverify/metrics"
	"github.com/cfverify/cfverify/mock"
)

var mockCmd = &command{
	name:    "mock",
	args:    "[--addr 127.0.0.1:8080] [--fixture FILE] [--fault SPEC]... [flags]",
	summary: "serve a local mock of the API (state, scenarios by id prefix, faults) until interrupted",
	group:   groupTools,
	example: "  cfverify mock --addr 127.0.0.1:8080 --fault kind=status,status=503,op=fi,rate=0.2 --seed 7\n" +
		"  curl -H 'x-client-id: cf_test_client' -H 'x-client-secret: cf_test_secret' -H 'x-api-version: 2024-12-01' \\\n" +
		"    'http://127.0.0.1:8080/verification/digilocker?verification_id=expired_kyc-1'",
	flags: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
		addr := stringFlag(fs, "addr", "127.0.0.1:8080", "listen on `host:port` (loopback unless you say otherwise)")
		seed := uint64Flag(fs, "seed", 1, "seed of the generated data and of faults by rate")
		polls := intFlag(fs, "polls", 2, "polls each status but the last is answered for")
		stage := durationFlag(fs, "stage-duration", 0, "or move statuses on after this long (0: polls only)")
		fixture := stringFlag(fs, "fixture", "", "a JSON `FILE` of scenarios, an id table and faults")
		faults := listFlag(fs, "fault", "a fault `SPEC` such as kind=status,status=502,html=true,op=fi,rate=0.2 (repeatable)", mock.ParseFault)
		strict := boolFlag(fs, "strict", "only ids from the fixture or /_mock/create exist; others answer 404")
		noCheck := boolFlag(fs, "no-self-check", "send responses without checking them against the spec first")
		clientID := stringFlag(fs, "client-id", mock.DefaultClientID, "the client `id` requests must carry")
		secret := stringFlag(fs, "client-secret", mock.DefaultClientSecret, "the client `secret` requests must carry")
		webhookURL := stringFlag(fs, "webhook-url", "", "POST signed webhook events to this `URL` as statuses change (GET /_mock/webhooks lists them)")
		webhookDups := intFlag(fs, "webhook-duplicates", 0, "with --webhook-url, a fault: send every webhook event this many extra times")
		maxRecords := intFlag(fs, "max-records", mock.DefaultMaxRecords, "hold at most `N` records (ids), forgetting the oldest first")
		recordTTL := durationFlag(fs, "record-ttl", mock.DefaultRecordTTL, "forget a record this long after it was made; a forgotten id is answered as an unknown one")
		metricsAddr := metricsAddrFlag(fs)
		e.addVerbose(fs, "log each request, fault and webhook attempt of the mock to stderr")
		return func(ctx context.Context) error {
			opts := []mock.Option{
				mock.WithAddr(addr.Get()), mock.WithSeed(seed.Get()), mock.WithPolls(polls.Get()), mock.WithStageDuration(stage.Get()),
				mock.WithStrictIDs(strict.Get()), mock.WithSelfCheck(!noCheck.Get()), mock.WithCredentials(clientID.Get(), secret.Get()),
				mock.WithFaults(faults.Get()...), mock.WithLogger(e.logger()), mock.WithRecordRetention(maxRecords.Get(), recordTTL.Get()),
			}
			if fixture.Get() != "" {
				opts = append(opts, mock.WithFixtureFile(fixture.Get()))
			}
			if webhookURL.Get() != "" {
				opts = append(opts, mock.WithWebhookURL(webhookURL.Get()), mock.WithWebhookDuplicates(webhookDups.Get()))
			}
			if host, _, err := net.SplitHostPort(addr.Get()); err == nil {
				if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
					fmt.Fprintf(e.stderr, "cfverify mock: warning: %s is not a loopback address; the mock is reachable from other machines\n", addr.Get())
				}
			}
			tuneMockGC(e.getenv)
			srv, err := mock.New(opts...)
			var netErr *net.OpError
			switch {
			case errors.As(err, &netErr):
				return fmt.Errorf("cfverify mock: %w", err)
			case err != nil:
				return usagef(e.name, "%v", err)
			}
			ms, err := startMetrics(metricsAddr.Get(), e.stdout, "cfverify mock", metrics.NewMockCollector(srv.Handler))
			if err != nil {
				srv.Close()
				return err
			}
			defer ms.close()
			fmt.Fprintf(e.stdout, "cfverify mock: serving the Cashfree Verification API at %s\n", srv.URL())
			fmt.Fprintf(e.stdout, "  credentials: x-client-id %s, x-client-secret %s; any bearer token for user details\n", clientID.Get(), secret.Get())
			fmt.Fprintf(e.stdout, "  scenarios by id prefix (expired_, denied_, partial_, slow_, flaky_, …: see go doc github.com/cfverify/cfverify/mock)\n")
			fmt.Fprintf(e.stdout, "  stats: GET %s/_mock/stats; reset: POST %s/_mock/reset; Ctrl-C stops\n", srv.RootURL(), srv.RootURL())
			if webhookURL.Get() != "" {
				fmt.Fprintf(e.stdout, "  webhooks: signed with the client secret, sent to %s; deliveries: GET %s/_mock/webhooks\n", webhookURL.Get(), srv.RootURL())
			}
			ms.announce(e.stdout)
			<-ctx.Done()
			ms.drain()
			stopMock(ctx, srv, e.stderr)
			st := srv.Stats()
			fmt.Fprintf(e.stdout, "cfverify mock: stopped after %d requests: %d responses checked against the spec, %d violations, %d faults injected\n",
				st.Requests, st.Checked, st.Violations, st.FaultsInjected())
			return nil
		}
	},
}
