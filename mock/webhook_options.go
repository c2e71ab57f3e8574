package mock

import (
	"fmt"
	"net/url"
	"time"
)

// webhookConfig is what the webhook options set (config.webhook).
type webhookConfig struct {
	url        string
	attempts   int           // deliveries tried per event, the first included
	backoff    time.Duration // wait before the second attempt; doubles after each
	maxBackoff time.Duration
	timeout    time.Duration // per attempt
	duplicates int           // extra copies of every event, sent on purpose
}

func defaultWebhookConfig() webhookConfig {
	return webhookConfig{attempts: 5, backoff: 250 * time.Millisecond, maxBackoff: 10 * time.Second, timeout: 5 * time.Second}
}

// WithWebhookURL makes the mock call back, as Cashfree does: when a
// verification, consent or financial-information request reaches a status
// that has an event (by polls or by time), the mock POSTs the signed event
// to rawURL, signed with its client secret (x-webhook-signature over
// x-webhook-timestamp followed by the body). It retries on a non-2xx answer
// and on a timeout (WithWebhookRetries). GET /_mock/webhooks lists the
// deliveries.
func WithWebhookURL(rawURL string) Option {
	return func(c *config) {
		u, err := url.Parse(rawURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.errs = append(c.errs, fmt.Errorf("mock: WithWebhookURL(%q): need an http or https URL with a host", rawURL))
			return
		}
		c.webhookSettings().url = rawURL
	}
}

// WithWebhookRetries sets how many times an event is tried in all (default
// 5) and the wait before the first retry (default 250ms), doubled after
// each retry up to 10s.
func WithWebhookRetries(attempts int, backoff time.Duration) Option {
	return func(c *config) {
		if attempts < 1 || backoff < 0 {
			c.errs = append(c.errs, fmt.Errorf("mock: WithWebhookRetries(%d, %s): need at least one attempt and a backoff >= 0", attempts, backoff))
			return
		}
		w := c.webhookSettings()
		w.attempts, w.backoff = attempts, backoff
	}
}

// WithWebhookTimeout sets how long one delivery attempt may take (default
// 5s); a slower receiver counts as failed and is retried.
func WithWebhookTimeout(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.errs = append(c.errs, fmt.Errorf("mock: WithWebhookTimeout(%s): must be positive", d))
			return
		}
		c.webhookSettings().timeout = d
	}
}

// WithWebhookDuplicates is a fault: every event is delivered n more times
// on purpose, as Cashfree may do, to test that a receiver drops
// duplicates. The "duplicated" id prefix does the same for one id (once).
func WithWebhookDuplicates(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.errs = append(c.errs, fmt.Errorf("mock: WithWebhookDuplicates(%d): negative", n))
			return
		}
		c.webhookSettings().duplicates = n
	}
}

// webhookSettings returns the webhook settings, defaults first.
func (c *config) webhookSettings() *webhookConfig {
	if c.webhook == nil {
		w := defaultWebhookConfig()
		c.webhook = &w
	}
	return c.webhook
}
