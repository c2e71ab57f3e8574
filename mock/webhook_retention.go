package mock

// A mock that calls back for months keeps its webhook state bounded: the
// log of deliveries (GET /_mock/webhooks) holds the most recent ones, the
// chain of a resource's deliveries is dropped once its last delivery ends,
// and what was sent for an id is forgotten with the id's record.

// maxWebhookLog is how many deliveries GET /_mock/webhooks lists at least:
// the most recent; older ones are dropped in batches.
const maxWebhookLog = 10_000

// logBound bounds the delivery log. Guarded by webhookSender.mu.
type logBound struct {
	limit int // deliveries kept: between limit and 1.25 limit
	sent  int // deliveries ever enqueued: the next one's Seq
}

// keepInLog numbers d and adds it to the log, dropping the oldest past
// the bound. Call with s.mu held.
func (s *webhookSender) keepInLog(d *WebhookDelivery) {
	s.sent++
	d.Seq = s.sent
	s.deliveries = append(s.deliveries, d)
	if len(s.deliveries) > s.limit+s.limit/4 {
		kept := make([]*WebhookDelivery, s.limit, 2*s.limit)
		copy(kept, s.deliveries[len(s.deliveries)-s.limit:])
		s.deliveries = kept
	}
}

// untail ends a delivery of key: it frees the chain when done is its last
// link, so that a resource with no delivery pending holds nothing.
func (s *webhookSender) untail(key string, done chan struct{}) {
	close(done)
	s.mu.Lock()
	if s.tails[key] == done {
		delete(s.tails, key)
	}
	s.mu.Unlock()
}

// forgetRecord drops what was sent for a record the store forgot: its id,
// asked about again, starts afresh and is called back afresh.
func (s *webhookSender) forgetRecord(rec *record) {
	if s == nil {
		return
	}
	s.mu.Lock()
	delete(s.notified, string(rec.res)+"/"+rec.id)
	s.mu.Unlock()
}
