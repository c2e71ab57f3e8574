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
// verification id, so every answer is new (new verification and reference
// ids) and the self-check's per-body verdict cache never hits: the worst
// case for issue 12's 10× goal. Metrics as BenchmarkMockThroughput.
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
	if st := srv.Stats(); st.SelfChecks < b.N {
		b.Fatalf("self-check validated %d distinct answers of %d", st.SelfChecks, b.N)
	}
}
