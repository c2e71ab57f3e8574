// Tests of the fetch client against whatever CASHFREE_BASE_URL names: in CI,
// cfverify proxy in front of cfverify mock (examples/ci/contract-check.sh),
// so every exchange is also checked against the spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { VerificationClient, VerificationError } from '../verification.js';

const baseURL = process.env.CASHFREE_BASE_URL;
if (!baseURL) {
  throw new Error('set CASHFREE_BASE_URL (run the tests through examples/ci/contract-check.sh)');
}
const client = new VerificationClient({
  baseURL,
  clientId: process.env.CASHFREE_CLIENT_ID,
  clientSecret: process.env.CASHFREE_CLIENT_SECRET,
});
const unique = (prefix) => `${prefix}${randomUUID().slice(0, 8)}`;

test('data availability lists scopes, and a repeated verification id is a 409', async () => {
  const id = unique('node-');
  const res = await client.dataAvailability(id, '9000000001');
  assert.equal(res.verification_id, id);
  assert.ok(res.available_scopes.some((s) => s.scope === 'AADHAAR'), 'AADHAAR is among the available scopes');
  await assert.rejects(client.dataAvailability(id, '9000000001'), (err) => {
    assert.ok(err instanceof VerificationError);
    assert.equal(err.status, 409);
    assert.equal(err.code, 'verification_id_already_exists');
    return true;
  });
});

test('user details carry records per scope', async () => {
  const res = await client.userDetails('node-example-token');
  assert.ok(res.scopes.length > 0);
  const aadhaar = res.scopes.find((s) => s.scope === 'AADHAAR');
  assert.ok(aadhaar?.records.length > 0, 'the AADHAAR scope has records');
});

test('a DigiLocker verification goes from PENDING to AUTHENTICATED', async () => {
  const id = unique('kyc-');
  const seen = [];
  for (let i = 0; i < 10 && seen.at(-1) !== 'AUTHENTICATED'; i++) {
    seen.push((await client.digiLockerStatus(id)).status);
  }
  assert.equal(seen[0], 'PENDING');
  assert.equal(seen.at(-1), 'AUTHENTICATED');
});

test('an expired DigiLocker verification ends EXPIRED', async () => {
  const id = unique('instant_expired_');
  const res = await client.digiLockerStatus(id);
  assert.equal(res.status, 'EXPIRED');
});

test('an unknown id is a 404 the client surfaces', async () => {
  await assert.rejects(client.digiLockerStatus(unique('unknown_')), (err) => err instanceof VerificationError && err.status === 404);
});

test('consent reaches SUCCESS and financial information delivers accounts', async () => {
  const consent = await client.consentStatus(unique('instant_consent-'));
  assert.equal(consent.status, 'SUCCESS');
  const fi = await client.financialInformation(unique('instant_fi-'));
  assert.equal(fi.status, 'SUCCESS');
  const accounts = fi.fi_data.flatMap((p) => p.accounts ?? []);
  assert.ok(accounts.length > 0, 'at least one account');
});
