package webhook_test

import (
	"testing"

	"github.com/cfverify/cfverify/webhook"
	"github.com/cfverify/cfverify/webhook/storetest"
)

func TestMemoryStore_conformance(t *testing.T) {
	t.Parallel()
	shared := webhook.NewMemoryStore(nil)
	storetest.Run(t, func(*testing.T) webhook.Store { return shared })
}
