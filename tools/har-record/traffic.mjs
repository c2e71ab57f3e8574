// The traffic of the HAR fixtures: what a web app's end-to-end test does
// against the API, run inside the page (so the browser's own network stack
// makes every request and the HAR records it as a browser would). base is
// the API's base URL on the page's origin; tag keeps ids apart between
// recordings against one mock. Every value is the mock's synthetic data.
export async function traffic({ base, tag }) {
  const client = { 'x-client-id': 'cf_test_client', 'x-client-secret': 'cf_test_secret', 'x-api-version': '2024-12-01' };
  const seen = [];
  async function call(method, path, { headers = client, body } = {}) {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    seen.push(`${method} ${path.split('?')[0]} ${res.status}`);
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : null };
  }
  async function poll(path, done) {
    for (let i = 0; i < 12; i++) {
      const r = await call('GET', path);
      if (r.status !== 200 || done.includes(r.json.status)) return r;
    }
    throw new Error(`${path}: no final status after 12 polls`);
  }
  const mobile = { identifier_type: 'MOBILE', identifier_value: '9999999999' };
  await call('POST', '/user/data-availability', { body: { verification_id: `har-${tag}-da-1`, user: [mobile] } });
  await call('POST', '/user/data-availability', { body: { verification_id: `partial_har-${tag}-da-2`, user: [mobile] } });
  const bearer = (token) => ({ authorization: `Bearer ${token}`, 'x-api-version': '2024-12-01' });
  await call('GET', '/oauth2/user-details', { headers: bearer(`har-${tag}-token`) });
  await call('GET', '/oauth2/user-details', { headers: bearer(`expired_har-${tag}-token`) }); // 401
  await call('GET', '/oauth2/user-details', { headers: bearer(`denied_har-${tag}-token`) }); // 403
  const dl = await poll(`/digilocker?verification_id=har-${tag}-dl-1`, ['AUTHENTICATED', 'EXPIRED', 'CONSENT_DENIED']);
  await call('GET', `/digilocker?reference_id=${dl.json.reference_id}`); // the round trip by Cashfree's id
  await call('GET', `/digilocker?verification_id=unknown_har-${tag}-dl-2`); // 404
  await poll(`/aa/consent?consent_verification_id=har-${tag}-consent-1`, ['SUCCESS', 'REJECTED', 'EXPIRED', 'REVOKED', 'PAUSED']);
  await poll(`/aa/fi?fi_verification_id=partial_har-${tag}-fi-1`, ['SUCCESS', 'FAILED', 'EXPIRED']);
  return seen;
}
