package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/cfverify/cfverify/internal/loadgen"
	"github.com/cfverify/cfverify/internal/testservers"
	"github.com/cfverify/cfverify/webhook"
	"github.com/cfverify/cfverify/webhook/pgstore"
	"github.com/cfverify/cfverify/webhook/redisstore"
)

const benchHookSecret = "cfsk_bench_webhook"

// Deliveries per block and clients at once in BenchmarkPairedWebhookStore.
const (
	storeBlock       = 300
	storeConcurrency = 4
)

// hookServer is a Handler on store, on a loopback server.
func hookServer(b *testing.B, store webhook.Store) string {
	h, err := webhook.NewHandler(func(_ context.Context, _ *webhook.Event) error { return nil },
		webhook.WithSecrets(benchHookSecret), webhook.WithStore(store))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL
}

var hookSeq atomic.Int64

// deliverBlock sends storeBlock new events (each a claim and a complete)
// and returns the run's figures.
func deliverBlock(b *testing.B, url string, client *http.Client) loadgen.Result {
	first := hookSeq.Add(storeBlock) - storeBlock
	res, err := loadgen.Run(b.Context(), loadgen.Config{
		Requests: storeBlock, Concurrency: storeConcurrency, Timeout: time.Minute, Client: client,
		Request: func(i int) (*http.Request, error) {
			now := time.Now()
			body, err := webhook.SampleEvent(webhook.ConsentVerificationSuccess, fmt.Sprintf("bench-%d", first+int64(i)), now)
			if err != nil {
				return nil, err
			}
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			ts := webhook.Timestamp(now)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(webhook.HeaderTimestamp, ts)
			req.Header.Set(webhook.HeaderSignature, webhook.Sign(benchHookSecret, ts, body))
			return req, nil
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkPairedWebhookStore: the webhook Handler with a shared store
// (Redis, PostgreSQL, each a real server on loopback) beside the same
// Handler with the MemoryStore, in paired rounds: each round sends a block
// of new events through each (alternating which goes first; every event
// costs a claim and a complete). Metrics, medians over the rounds with
// their 95% intervals: ratio (deliveries/s with the store over the
// MemoryStore), p99-added-ms (the store's p99 latency minus the
// MemoryStore's), and the two sides' deliveries/s and p99. Target:
// p99-added-ms ≤ 2 on loopback. Run with -benchtime=1x.
func BenchmarkPairedWebhookStore(b *testing.B) {
	stores := map[string]func(b *testing.B) webhook.Store{
		"redis": func(b *testing.B) webhook.Store {
			srv := testservers.StartRedis(b)
			c := redis.NewClient(&redis.Options{Addr: srv.Addr})
			b.Cleanup(func() { _ = c.Close() })
			return redisstore.New(c)
		},
		"postgres": func(b *testing.B) webhook.Store { return benchPostgres(b) },
		// Commits acknowledged before their WAL is flushed: a crash may
		// forget the last few hundred milliseconds of claims and completions
		// (those events run again), never corrupts.
		"postgres-async-commit": func(b *testing.B) webhook.Store { return benchPostgres(b, "synchronous_commit=off") },
	}
	for _, name := range []string{"redis", "postgres", "postgres-async-commit"} {

		b.Run("store="+name, func(b *testing.B) {
			client := loadgen.NewClient(storeConcurrency)
			b.Cleanup(client.CloseIdleConnections)
			memURL := hookServer(b, webhook.NewMemoryStore(nil))
			storeURL := hookServer(b, stores[name](b))
			deliverBlock(b, memURL, client) // warm both: connections, pools, prepared statements
			deliverBlock(b, storeURL, client)
			var ratios, added, memRate, storeRate, memP99, storeP99 []float64
			for b.Loop() {
				for i := range pairedRoundCount {
					var mem, st loadgen.Result
					if i%2 == 0 {
						mem, st = deliverBlock(b, memURL, client), deliverBlock(b, storeURL, client)
					} else {
						st, mem = deliverBlock(b, storeURL, client), deliverBlock(b, memURL, client)
					}
					ratios = append(ratios, st.PerSecond()/mem.PerSecond())
					mp, sp := ms(mem.Percentile(0.99)), ms(st.Percentile(0.99))
					added = append(added, sp-mp)
					memRate, storeRate = append(memRate, mem.PerSecond()), append(storeRate, st.PerSecond())
					memP99, storeP99 = append(memP99, mp), append(storeP99, sp)
				}
			}
			median := func(xs []float64) float64 { m, _, _, _ := loadgen.MedianInterval(xs); return m }
			r, lo, hi, _ := loadgen.MedianInterval(ratios)
			b.ReportMetric(r, "ratio")
			b.ReportMetric(lo, "ratio-lo95")
			b.ReportMetric(hi, "ratio-hi95")
			a, alo, ahi, _ := loadgen.MedianInterval(added)
			b.ReportMetric(a, "p99-added-ms")
			b.ReportMetric(alo, "p99-added-ms-lo95")
			b.ReportMetric(ahi, "p99-added-ms-hi95")
			b.ReportMetric(median(memRate), "memory-deliveries/s")
			b.ReportMetric(median(storeRate), "store-deliveries/s")
			b.ReportMetric(median(memP99), "memory-p99-ms")
			b.ReportMetric(median(storeP99), "store-p99-ms")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchPostgres is a pgstore on a PostgreSQL server of its own.
func benchPostgres(b *testing.B, settings ...string) webhook.Store {
	srv := testservers.StartPostgres(b, settings...)
	pool, err := pgxpool.New(b.Context(), srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	s, err := pgstore.New(pool)
	if err == nil {
		err = s.EnsureSchema(b.Context())
	}
	if err != nil {
		b.Fatal(err)
	}
	return s
}
