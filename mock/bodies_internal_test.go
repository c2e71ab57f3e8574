package mock

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A stage served from its cached bytes is what building it afresh sends.
func TestStageReply_cachedBytesMatchAFreshBuild(t *testing.T) {
	h, err := NewHandler()
	require.NoError(t, err)
	defer h.Close()
	for _, res := range []Resource{ResourceDigiLocker, ResourceConsent, ResourceFI} {
		h.store.mu.Lock()
		s, names := h.scen.resolve("partial_cache")
		rec := h.newRecord(res, "partial_cache", s, names)
		for stage := range rec.stages() {
			first := h.stageReply(rec, stage)
			require.NotNil(t, rec.encoded, "%s stage %d is cached", res, stage)
			again := h.stageReply(rec, stage)
			assert.Same(t, &first.raw[0], &again.raw[0], "%s stage %d is served from the cached bytes", res, stage)
			rec.encoded = nil
			fresh := h.stageReply(rec, stage)
			assert.Equal(t, string(fresh.raw), string(again.raw), "%s stage %d", res, stage)
		}
		h.store.mu.Unlock()
	}
}
