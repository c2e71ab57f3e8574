package bench

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cfverify/cfverify/mock"
)

// BenchmarkMockDataAvailability: the mock on loopback answering POST
// /user/data-availability under loadConcurrency keep-alive clients, with
// request validation and the self-check on. Every call carries a new
// verification id, so every request and answer is new (new verification
// and reference ids): no verdict by bytes is ever reused. The mock checks
// them by shape (one validation of the body with stand-in ids) and checks
// the ids on every call. Metrics as BenchmarkMockThroughput.
func BenchmarkMockDataAvailability(b *testing.B) {
	srv := mock.MustNew()
	defer srv.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = loadConcurrency
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	url := srv.RootURL() + "/verification/user/data-availability"
	var seq atomic.Int64
	post := func() error {
		body := fmt.Sprintf(`{"verification_id":"bench-da-%d","user":[{"identifier_type":"MOBILE","identifier_value":"9999912345"}]}`, seq.Add(1))
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header = http.Header{"X-Client-Id": {clientID}, "X-Client-Secret": {secret}, "X-Api-Version": {apiVersion},
			"Content-Type": {"application/json"}}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return err
	}
	if err := post(); err != nil {
		b.Fatal(err)
	}
	lat := runLoad(b, loadConcurrency, post)
	reportLatencies(b, lat)
	if st := srv.Stats(); st.Checked < b.N+1 || st.Violations > 0 {
		b.Fatalf("%d of %d answers passed the self-check, %d violations", st.Checked, b.N+1, st.Violations)
	}
}
