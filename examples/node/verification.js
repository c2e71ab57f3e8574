// A small client of the Cashfree Verification (Secure ID) API on Node's
// built-in fetch: no dependencies. It is the kind of code a TypeScript or
// JavaScript team writes; cfverify proxy holds its traffic to the spec.

export class VerificationError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}: ${body?.type ?? 'unknown'}/${body?.code ?? 'unknown'}`);
    this.name = 'VerificationError';
    this.status = status;
    this.type = body?.type;
    this.code = body?.code;
  }
}

export class VerificationClient {
  /**
   * @param {{baseURL: string, clientId: string, clientSecret: string, apiVersion?: string}} options
   * baseURL is like https://sandbox.cashfree.com/verification, or a proxy or mock in front of it.
   */
  constructor({ baseURL, clientId, clientSecret, apiVersion = '2024-12-01' }) {
    if (!baseURL) throw new Error('VerificationClient: baseURL is required');
    this.baseURL = baseURL.replace(/\/+$/, '');
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.apiVersion = apiVersion;
  }

  /** POST /user/data-availability: which data scopes exist for a mobile number. */
  dataAvailability(verificationId, mobile) {
    return this.#send('POST', '/user/data-availability', {
      body: { verification_id: verificationId, user: [{ identifier_type: 'MOBILE', identifier_value: mobile }] },
    });
  }

  /** GET /oauth2/user-details: the user's data behind an OAuth access token. */
  userDetails(accessToken) {
    return this.#send('GET', '/oauth2/user-details', { bearer: accessToken });
  }

  /** GET /digilocker: DigiLocker verification status. */
  digiLockerStatus(verificationId) {
    return this.#send('GET', '/digilocker', { query: { verification_id: verificationId } });
  }

  /** GET /aa/consent: Account Aggregator consent status. */
  consentStatus(consentVerificationId) {
    return this.#send('GET', '/aa/consent', { query: { consent_verification_id: consentVerificationId } });
  }

  /** GET /aa/fi: Account Aggregator financial information. */
  financialInformation(fiVerificationId) {
    return this.#send('GET', '/aa/fi', { query: { fi_verification_id: fiVerificationId } });
  }

  async #send(method, path, { query, body, bearer } = {}) {
    const url = new URL(this.baseURL + path);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const headers = { 'x-api-version': this.apiVersion, accept: 'application/json' };
    if (bearer) {
      headers.authorization = `Bearer ${bearer}`;
    } else {
      headers['x-client-id'] = this.clientId;
      headers['x-client-secret'] = this.clientSecret;
    }
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined; // a gateway's HTML page, say
    }
    if (!res.ok) throw new VerificationError(res.status, json);
    return json;
  }
}
