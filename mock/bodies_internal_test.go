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
	for _, res := range []RecordKind{RecordDigiLocker, RecordConsent, RecordFI} {
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

// User details are served from the cached encoding of the token's answer,
// which is what encoding it afresh gives.
func TestUserDetails_cachedAnswerMatchesAFreshBuild(t *testing.T) {
	h, err := NewHandler()
	require.NoError(t, err)
	defer h.Close()
	for _, token := range []string{"tok_a", "partial_tok", "empty_tok"} {
		s, _ := h.scen.resolve(token)
		builds := 0
		build := func() ([]byte, error) { builds++; return encode(reply{body: userDetails(h.cfg.seed, token, s)}) }
		first, err := h.userAnswers.get(token, build)
		require.NoError(t, err)
		again, err := h.userAnswers.get(token, build)
		require.NoError(t, err)
		assert.Equal(t, 1, builds, token)
		assert.Same(t, &first[0], &again[0], token)
		fresh, err := encode(reply{body: userDetails(h.cfg.seed, token, s)})
		require.NoError(t, err)
		assert.Equal(t, string(fresh), string(again), token)
	}
}
