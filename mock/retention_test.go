package mock_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cfverify/cfverify/mock"
)

func TestMock_recordsPastTheCapAreForgottenOldestFirst(t *testing.T) {
	t.Parallel()
	srv := start(t, mock.WithRecordRetention(3, time.Hour))
	c := connect(t, srv)
	refs := map[string]float64{}
	for i := range 5 {
		id := fmt.Sprintf("cap-%d", i)
		a := c.get("/digilocker?verification_id=" + id)
		require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
		refs[id] = a.json(t)["reference_id"].(float64)
	}
	st := srv.Stats()
	assert.Equal(t, 3, st.Records)
	assert.Equal(t, int64(2), st.Expired)
	// The two oldest are gone: by reference id they are unknown, and the
	// id itself can be created again.
	c.get(fmt.Sprintf("/digilocker?reference_id=%.0f", refs["cap-0"])).errorIs(t, 404, "not_found_error", "", "")
	_, err := srv.Create(mock.RecordDigiLocker, "cap-1", "")
	require.NoError(t, err, "a forgotten id is new again")
	_, err = srv.Create(mock.RecordDigiLocker, "cap-4", "")
	require.Error(t, err, "the newest is still held")
	a := c.get(fmt.Sprintf("/digilocker?reference_id=%.0f", refs["cap-4"]))
	assert.Equal(t, http.StatusOK, a.status)
}

func TestMock_recordsPastTheirAgeAnswerAsUnknown(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)}
	srv := start(t, mock.WithRecordRetention(100, time.Hour), mock.WithClock(clock.Now), mock.WithStrictIDs(true))
	c := connect(t, srv)
	_, err := srv.Create(mock.RecordDigiLocker, "aged-1", "")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, c.get("/digilocker?verification_id=aged-1").status)
	clock.Add(59 * time.Minute)
	require.Equal(t, http.StatusOK, c.get("/digilocker?verification_id=aged-1").status, "younger than the age: kept")
	clock.Add(time.Minute)
	c.get("/digilocker?verification_id=aged-1").errorIs(t, 404, "not_found_error", "verification_id_value_invalid", "")
	assert.Equal(t, 0, srv.Stats().Records)

	// Data availability: the same id is accepted again once forgotten.
	require.Equal(t, http.StatusOK, c.availability("da-aged", "9876543210").status)
	assert.Equal(t, http.StatusConflict, c.availability("da-aged", "9876543210").status)
	clock.Add(time.Hour)
	assert.Equal(t, http.StatusOK, c.availability("da-aged", "9876543210").status)
}

func TestMock_recordRetentionRejectsNonsense(t *testing.T) {
	t.Parallel()
	_, err := mock.NewHandler(mock.WithRecordRetention(0, time.Hour))
	require.ErrorContains(t, err, "retention")
	_, err = mock.NewHandler(mock.WithRecordRetention(10, 0))
	require.ErrorContains(t, err, "retention")
}

func TestMock_statsCountAnswersByOperationAndStatus(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := connect(t, srv)
	for range 3 {
		c.get("/digilocker?verification_id=count-1")
	}
	off := plain(t, srv) // off-spec requests, which the validating transport refuses
	off.get("/digilocker?reference_id=0")
	off.get("/no/such/path")
	st := srv.Stats()
	assert.Equal(t, map[int]int{200: 3, 400: 1}, st.ByOperation[mock.OpDigiLockerStatus])
	assert.Equal(t, map[int]int{404: 1}, st.ByOperation[""])
}
