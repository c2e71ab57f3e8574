package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfverify/cfverify/client"
	"github.com/cfverify/cfverify/verification"
)

var statementSizes = []int{1_000, 10_000, 100_000}

// statementClient is a client whose transport answers body from memory.
func statementClient(tb testing.TB, body []byte) *client.Client {
	tb.Helper()
	c, err := client.New(client.WithBaseURL("http://127.0.0.1:1"), client.WithCredentials(clientID, secret),
		client.WithHTTPClient(&http.Client{Transport: fixedTransport{body: body}}),
		client.WithMaxResponseBytes(int64(len(body))*2))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// BenchmarkStatementDecode: FI answers of 1k, 10k and 100k transactions.
// Figure: impl=client, the whole call from an in-memory transport (read
// the body, decode into the generated types). Baselines over the same
// bytes: impl=valid (json.Valid, the scanning ceiling), impl=any
// (json.Unmarshal into map[string]any), impl=types (json.Unmarshal into
// verification.FinancialInformation) and impl=read+types (io.ReadAll of the same
// in-memory body, then the same json.Unmarshal: what a hand-written
// client does, the client's own work).
func BenchmarkStatementDecode(b *testing.B) {
	for _, n := range statementSizes {
		body := statement(b, n)
		b.Run(fmt.Sprintf("txns=%d/impl=valid", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if !json.Valid(body) {
					b.Fatal("invalid")
				}
			}
		})
		b.Run(fmt.Sprintf("txns=%d/impl=any", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var v map[string]any
				if err := json.Unmarshal(body, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("txns=%d/impl=types", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var v verification.FinancialInformation
				if err := json.Unmarshal(body, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("txns=%d/impl=read+types", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				data, err := io.ReadAll(bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var v verification.FinancialInformation
				if err := json.Unmarshal(data, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		c := statementClient(b, body)
		b.Run(fmt.Sprintf("txns=%d/impl=client", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				fi, err := c.FinancialInformation(b.Context(), client.ByVerificationID("bench-fi"))
				if err != nil {
					b.Fatal(err)
				}
				if len(fi.FIData) == 0 {
					b.Fatal("no data")
				}
			}
		})
	}
}

// BenchmarkStatementMemory measures the heap a 100k-transaction statement
// needs, as multiples of the body size (metrics, not times):
//
//   - alloc/body: bytes allocated during one decode, with the collector
//     off, over the body size. Nothing is freed while it runs, so the heap
//     the decode adds is never more than this.
//   - peak/body: the bound the target is about, what must fit in memory:
//     for impl=client it is alloc/body (the client reads the body into its
//     own buffer, which is counted); for impl=types the caller already
//     holds the body, so it is 1 + alloc/body.
//   - sampled-peak/body: the highest heap seen (sampled every 100µs) with
//     the collector on at the default GOGC, above the heap before the
//     call, plus the body for impl=types: what the process really used.
//   - live/body: the decoded result kept after a collection.
func BenchmarkStatementMemory(b *testing.B) {
	n := 100_000
	body := statement(b, n)
	size := float64(len(body))
	c := statementClient(b, body)
	measure := func(b *testing.B, held float64, decode func() any) {
		var allocSum, liveSum, peakSum float64
		for b.Loop() {
			var before, after, kept runtime.MemStats
			runtime.GC()
			old := debug.SetGCPercent(-1)
			runtime.ReadMemStats(&before)
			v := decode()
			runtime.ReadMemStats(&after)
			debug.SetGCPercent(old)
			runtime.GC()
			runtime.ReadMemStats(&kept)
			runtime.KeepAlive(v)
			v = nil
			allocSum += float64(after.TotalAlloc - before.TotalAlloc)
			liveSum += float64(kept.HeapAlloc) - float64(before.HeapAlloc)

			runtime.GC()
			base := heapObjects()
			var peak atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				t := time.NewTicker(100 * time.Microsecond)
				defer t.Stop()
				for {
					if h := heapObjects(); h > peak.Load() {
						peak.Store(h)
					}
					select {
					case <-stop:
						return
					case <-t.C:
					}
				}
			}()
			v = decode()
			close(stop)
			<-done
			runtime.KeepAlive(v)
			if h := heapObjects(); h > peak.Load() {
				peak.Store(h)
			}
			peakSum += float64(peak.Load()) - float64(base)
		}
		runs := float64(b.N)
		b.ReportMetric(allocSum/runs/size, "alloc/body")
		b.ReportMetric(held+allocSum/runs/size, "peak/body")
		b.ReportMetric(held+peakSum/runs/size, "sampled-peak/body")
		b.ReportMetric(liveSum/runs/size, "live/body")
	}
	b.Run(fmt.Sprintf("txns=%d/impl=types", n), func(b *testing.B) {
		measure(b, 1, func() any {
			var v verification.FinancialInformation
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
			return &v
		})
	})
	b.Run(fmt.Sprintf("txns=%d/impl=client", n), func(b *testing.B) {
		measure(b, 0, func() any {
			fi, err := c.FinancialInformation(b.Context(), client.ByVerificationID("bench-fi"))
			if err != nil {
				b.Fatal(err)
			}
			return fi
		})
	})
}

// heapObjects is the bytes of heap objects, live or not yet swept.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
