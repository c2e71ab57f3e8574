// The five operations and the documented error answers, through whatever
// CASHFREE_BASE_URL names: in CI, `cfverify proxy --strict` in front of
// `cfverify mock` (scripts/ts-example.sh), which fails the run if any
// exchange breaks the spec. The mock chooses a scenario by the id's prefix
// (expired_, denied_, unknown_, nobalance_, ratelimited_: go doc
// github.com/cfverify/cfverify/mock).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";

import { apiVersion, createVerificationClient, known, ok, paise, poll, VerificationError } from "../src/client.js";
import {
  digiLockerStatusValueValues,
  incomeRangeValues,
  transactionModeValues,
  transactionTypeValues,
  type SchemaScopeData,
} from "../src/generated/api.js";

const baseUrl = process.env.CASHFREE_BASE_URL;
if (!baseUrl) throw new Error("set CASHFREE_BASE_URL (scripts/ts-example.sh runs these tests through cfverify proxy)");
const client = createVerificationClient({
  baseUrl,
  clientId: process.env.CASHFREE_CLIENT_ID ?? "",
  clientSecret: process.env.CASHFREE_CLIENT_SECRET ?? "",
});
// Ids are new on every run: data availability refuses a verification_id twice.
const run = Date.now().toString(36);
const deadline = () => AbortSignal.timeout(20_000);

/** rejects asserts that an openapi-fetch call fails (ok throws) and returns the VerificationError. */
async function rejects(call: Parameters<typeof ok>[0]): Promise<VerificationError> {
  try {
    await ok(call);
  } catch (err) {
    assert.ok(err instanceof VerificationError, `expected a VerificationError, got ${String(err)}`);
    return err;
  }
  assert.fail("the call succeeded");
}

describe("data availability", () => {
  test("lists the scopes for a mobile number", async () => {
    const body = { verification_id: `ts-da-${run}`, user: [{ identifier_type: "MOBILE" as const, identifier_value: "9999999999" }] };
    const da = await ok(client.POST("/user/data-availability", { params: { header: apiVersion }, body }));
    assert.equal(da.verification_id, body.verification_id);
    assert.ok((da.available_scopes ?? []).some((s) => s.scope === "PAN"));
    // The same verification_id again is the documented 409.
    const err = await rejects(client.POST("/user/data-availability", { params: { header: apiVersion }, body }));
    assert.equal(err.status, 409);
    assert.equal(err.body?.code, "verification_id_already_exists");
  });

  test("422 when the account has no balance", async () => {
    const body = { verification_id: `nobalance_ts-da-${run}`, user: [{ identifier_type: "MOBILE" as const, identifier_value: "9999999999" }] };
    const err = await rejects(client.POST("/user/data-availability", { params: { header: apiVersion }, body }));
    assert.equal(err.status, 422);
    assert.equal(err.body?.code, "insufficient_balance");
  });
});

describe("user details", () => {
  const details = (token: string) =>
    client.GET("/oauth2/user-details", { params: { header: apiVersion }, headers: { authorization: `Bearer ${token}` } });

  test("narrows the scope union by its scope", async () => {
    const user = await ok(details(`ts-token-${run}`));
    const summary: string[] = [];
    for (const entry of user.scopes ?? []) {
      summary.push(describeScope(entry));
    }
    assert.ok(summary.includes("PAN ZZZPZ1234Z") || summary.some((s) => s.startsWith("PAN ")), summary.join(", "));
    assert.ok(summary.some((s) => s.startsWith("INCOME ")), summary.join(", "));
  });

  test("401 for an expired token, 403 for a token that does not allow it, 400 for a malformed one", async () => {
    const expired = await rejects(details(`expired_ts-token-${run}`));
    assert.equal(expired.status, 401);
    assert.equal(expired.body?.type, "authentication_error");
    const denied = await rejects(details(`denied_ts-token-${run}`));
    assert.equal(denied.status, 403);
    const invalid = await rejects(details(`invalid_ts-token-${run}`));
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body?.code, "access_token_value_invalid");
  });
});

/**
 * describeScope shows the narrowing a discriminated union gives: inside
 * each case, `entry.records` has that scope's record type.
 */
function describeScope(entry: SchemaScopeData): string {
  switch (entry.scope) {
    case "PAN":
      return `PAN ${entry.records?.[0]?.metadata?.pan ?? "?"}`;
    case "INCOME": {
      const income = entry.records?.[0]?.metadata?.income;
      // An open set: any string is valid, the known values are a list.
      return `INCOME ${known(incomeRangeValues, income) ? income : `unlisted ${income ?? "none"}`}`;
    }
    case "MOBILE":
      return `MOBILE ${entry.records?.length ?? 0} records`;
    default:
      return entry.scope;
  }
}

describe("DigiLocker", () => {
  test("polls to a final status, then finds it again by Cashfree's reference id", async () => {
    const id = `ts-dl-${run}`;
    const status = () => ok(client.GET("/digilocker", { params: { header: apiVersion, query: { verification_id: id } } }));
    const final = await poll(status, (s) => s.status === "AUTHENTICATED" || s.status === "EXPIRED" || s.status === "CONSENT_DENIED", { signal: deadline() });
    assert.equal(final.status, "AUTHENTICATED");
    assert.ok(known(digiLockerStatusValueValues, final.status));
    // reference_id arrives as number | string; the query takes either, no Number() needed.
    assert.ok(final.reference_id !== undefined);
    const again = await ok(client.GET("/digilocker", { params: { header: apiVersion, query: { reference_id: final.reference_id } } }));
    assert.equal(again.verification_id, id);
  });

  test("404 for an id nobody created", async () => {
    const err = await rejects(client.GET("/digilocker", { params: { header: apiVersion, query: { verification_id: `unknown_ts-dl-${run}` } } }));
    assert.equal(err.status, 404);
    assert.equal(err.body?.type, "not_found_error");
  });

  test("a 429 is waited out (Retry-After) while polling", async () => {
    const id = `ratelimited_ts-dl-${run}`;
    let calls = 0;
    const status = () => {
      calls++;
      return ok(client.GET("/digilocker", { params: { header: apiVersion, query: { verification_id: id } } }));
    };
    const final = await poll(status, (s) => s.status === "AUTHENTICATED", { signal: deadline() });
    assert.equal(final.status, "AUTHENTICATED");
    assert.ok(calls >= 2);
  });
});

describe("Account Aggregator", () => {
  test("consent: polled to SUCCESS; 404 for an unknown id", async () => {
    const id = `ts-consent-${run}`;
    const status = () => ok(client.GET("/aa/consent", { params: { header: apiVersion, query: { consent_verification_id: id } } }));
    const final = await poll(status, (c) => ["SUCCESS", "REJECTED", "EXPIRED", "REVOKED", "PAUSED"].includes(c.status ?? ""), { signal: deadline() });
    assert.equal(final.status, "SUCCESS");
    const err = await rejects(client.GET("/aa/consent", { params: { header: apiVersion, query: { consent_verification_id: `unknown_ts-consent-${run}` } } }));
    assert.equal(err.status, 404);
  });

  test("FI: amounts are decimal strings whose running balances add up to the paisa", async () => {
    const id = `ts-fi-${run}`;
    const status = () => ok(client.GET("/aa/fi", { params: { header: apiVersion, query: { fi_verification_id: id } } }));
    const fi = await poll(status, (f) => ["SUCCESS", "FAILED", "EXPIRED"].includes(f.status ?? ""), { signal: deadline() });
    assert.equal(fi.status, "SUCCESS");
    let checked = 0;
    for (const fip of fi.fi_data ?? []) {
      for (const account of fip.accounts ?? []) {
        if (account.status !== "DELIVERED") continue;
        const txns = account.data?.account?.transactions?.transaction ?? [];
        assert.ok(txns.length > 0);
        let balance: bigint | undefined;
        for (const tx of txns) {
          assert.ok(known(transactionTypeValues, tx.type), `type ${tx.type}`);
          assert.ok(known(transactionModeValues, tx.mode), `mode ${tx.mode}`);
          const amount = paise(tx.amount);
          const after = paise(tx.current_balance);
          if (balance !== undefined) {
            assert.equal(after, tx.type === "CREDIT" ? balance + amount : balance - amount, `transaction ${tx.txn_id}`);
          }
          balance = after;
          checked++;
        }
      }
    }
    assert.ok(checked > 0, "no delivered transaction");
    const err = await rejects(client.GET("/aa/fi", { params: { header: apiVersion, query: { fi_verification_id: `unknown_ts-fi-${run}` } } }));
    assert.equal(err.status, 404);
  });
});

describe("an answer that is not the API's", () => {
  test("an HTML 502 from a gateway is an error without a body, not a SchemaError", async () => {
    // A gateway on loopback, as a load balancer in front of the API would answer.
    const gateway = createServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = gateway.address() as AddressInfo;
      const behind = createVerificationClient({ baseUrl: `http://127.0.0.1:${port}/verification`, clientId: "id", clientSecret: "secret" });
      const { error } = await behind.GET("/digilocker", { params: { header: apiVersion, query: { verification_id: "any" } } });
      assert.equal(typeof error, "string", "openapi-fetch hands the page over as a string, whatever its type says");
      const err = await rejects(behind.GET("/digilocker", { params: { header: apiVersion, query: { verification_id: "any" } } }));
      assert.equal(err.status, 502);
      assert.equal(err.body, undefined);
      assert.match(err.contentType, /text\/html/);
    } finally {
      gateway.close();
    }
  });
});

test("paise reads decimal strings exactly", () => {
  assert.equal(paise("666.33"), 66633n);
  assert.equal(paise("129"), 12900n);
  assert.equal(paise("0.5"), 50n);
  assert.throws(() => paise("1e3"));
  assert.throws(() => paise(undefined));
});
