package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/cfverify/cfverify/mock"
	"github.com/cfverify/cfverify/webhook"
)

// demoWebhooks is the demo's own webhook receiver: a webhook.Handler on a
// loopback port that the built-in mock calls back, sending each event twice
// on purpose so the demo can show a duplicate being dropped.
type demoWebhooks struct {
	url     string
	handler *webhook.Handler
	srv     *http.Server
	done    chan struct{}

	mu     sync.Mutex
	events []*webhook.Event
}

func startDemoWebhooks() (*demoWebhooks, error) {
	w := &demoWebhooks{done: make(chan struct{})}
	h, err := webhook.NewHandler(func(_ context.Context, ev *webhook.Event) error {
		w.mu.Lock()
		w.events = append(w.events, ev)
		w.mu.Unlock()
		return nil
	}, webhook.WithSecrets(mock.DefaultClientSecret))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	w.handler, w.url = h, "http://"+ln.Addr().String()+"/webhooks/cashfree"
	w.srv = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(w.done)
		if err := w.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return
		}
	}()
	return w, nil
}

// mockOptions are what the mock needs to call the receiver back.
func (w *demoWebhooks) mockOptions() []mock.Option {
	return []mock.Option{mock.WithWebhookURL(w.url), mock.WithWebhookDuplicates(1)}
}

func (w *demoWebhooks) close() {
	_ = w.srv.Close()
	<-w.done
}

// showWebhooks waits until the mock has settled every delivery about id
// (up to two seconds), then prints the events the receiver took for it.
func (d *demo) showWebhooks(id string) {
	w := d.hooks
	if w == nil {
		return
	}
	deadline := time.Now().Add(2 * time.Second)
	var mine []mock.WebhookDelivery
	for {
		mine = mine[:0]
		settled := true
		for _, del := range d.mockSrv.Webhooks() {
			if del.ID == id {
				mine = append(mine, del)
				settled = settled && del.State != "pending"
			}
		}
		if (len(mine) > 0 && settled) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.mu.Lock()
	var events []*webhook.Event
	for _, ev := range w.events {
		if ev.ResourceID == id {
			events = append(events, ev)
		}
	}
	w.mu.Unlock()
	for _, ev := range events {
		d.printf("    ⚡ webhook arrived: %s (status %s), signature verified\n", ev.Type, ev.Status)
	}
	dups := 0
	for _, del := range mine {
		if del.Duplicate && del.State == "delivered" {
			dups++
		}
	}
	if dups > 0 {
		d.printf("      the mock sent each event twice on purpose; the receiver answered 200 to the copy and dropped it\n")
	}
}

// webhookSummary is the demo's last word on webhooks.
func (d *demo) webhookSummary() {
	if d.hooks == nil {
		return
	}
	st := d.hooks.handler.Stats()
	d.printf("Webhooks: %d events arrived signed with the client secret and were handled once each; %d duplicates were dropped.\n",
		st.Handled, st.Duplicates)
}
