package mask_test

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/cfverify/cfverify/mask"
)

func ExamplePII() {
	fmt.Println(mask.PII("user 9876543210 (ABCDE1234F, vinay@example.com) born 15-08-1960"))
	// Output:
	// user XXXXXX3210 (XXXXXX234F, v***@example.com) born XX-XX-XXXX
}

func ExampleNewHandler() {
	logger := slog.New(mask.NewHandler(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // deterministic output
			}
			return a
		},
	})))
	logger.Info("kyc done", "mobile", "9876543210", "name", "Vinay Kumar", "client_secret", "cfsk_123")
	// Output:
	// level=INFO msg="kyc done" mobile=XXXXXX3210 name=**** client_secret=[REDACTED]
}
