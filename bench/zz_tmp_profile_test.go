package bench

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cfverify/cfverify/internal/loadgen"
	"github.com/cfverify/cfverify/mock"
)

func TestTmpProfile(t *testing.T) {
	op := os.Getenv("TMP_OP")
	if op == "" {
		t.Skip()
	}
	srv := mock.MustNew()
	defer srv.Close()
	base := srv.RootURL()
	mk := func(i int) (*http.Request, error) {
		switch op {
		case "da":
			body := fmt.Sprintf(`{"verification_id":"peers-%d","user":[{"identifier_type":"MOBILE","identifier_value":"9999912345"}]}`, i)
			req, _ := http.NewRequest(http.MethodPost, base+"/user/data-availability", strings.NewReader(body))
			req.Header = http.Header{"X-Client-Id": {clientID}, "X-Client-Secret": {secret}, "X-Api-Version": {apiVersion}, "Content-Type": {"application/json"}}
			return req, nil
		case "ud":
			req, _ := http.NewRequest(http.MethodGet, base+"/oauth2/user-details", nil)
			req.Header = http.Header{"Authorization": {"Bearer tok"}, "X-Api-Version": {apiVersion}}
			return req, nil
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/digilocker?verification_id=x", nil)
		req.Header = http.Header{"X-Client-Id": {clientID}, "X-Client-Secret": {secret}, "X-Api-Version": {apiVersion}}
		return req, nil
	}
	res, err := loadgen.Run(t.Context(), loadgen.Config{Requests: 20000, Concurrency: 16, Timeout: time.Minute, Request: mk})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %.0f req/s", op, res.PerSecond())
}
