// The cross-validator gate, live part: Prism as a validating proxy
// (`prism proxy --errors`) in front of `cfverify mock`. Every call of the
// five operations goes through Prism both ways: Prism checks the request
// against the spec before forwarding it, and the mock's answer before
// handing it back. With --errors a violation either way turns the answer
// into Prism's own error (a problem+json body whose type is under
// https://stoplight.io/prism/errors), which this script counts. The gate
// passes with 0 violations.
//
// The calls walk each operation through its states (polling until the
// last status), a handful of scenarios (partial, empty, denied, expired)
// and the documented error answers (400, 401, 404, 409) and undocumented
// ones the mock also gives (the operation's `default` response).
//
// Usage (from tools/spec): node peers/prism-proxy.mjs <path to a built cfverify binary>
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const binary = process.argv[2];
if (!binary) {
  console.error("usage: node peers/prism-proxy.mjs <cfverify binary>");
  process.exit(2);
}
const children = [];
const cleanup = () => children.forEach((c) => c.exitCode === null && c.kill());
process.on("exit", cleanup);

// waitFor resolves with the first match of re in the child's output.
function waitFor(child, re, what) {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 60000);
    const onData = (d) => {
      out += d;
      const m = out.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${what} exited (${code}):\n${out}`)));
  });
}

// freePort asks the kernel for an ephemeral port; Prism needs a number.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const clientID = "cf_test_client";
const clientSecret = "cf_test_secret";
const version = "2024-12-01";

async function main() {
  const mock = spawn(binary, ["mock", "--addr", "127.0.0.1:0", "--client-id", clientID, "--client-secret", clientSecret], { cwd: root });
  children.push(mock);
  const [, mockURL] = await waitFor(mock, /(http:\/\/127\.0\.0\.1:\d+)\/verification/, "cfverify mock");

  const port = await freePort();
  const prismBin = path.join(here, "..", "node_modules", ".bin", "prism");
  const prism = spawn(prismBin, ["proxy", path.join(root, "openapi/verification.yaml"), mockURL, "--errors", "--host", "127.0.0.1", "--port", String(port)], { cwd: path.join(here, "..") });
  children.push(prism);
  await waitFor(prism, /Prism is listening/, "prism proxy");
  const base = `http://127.0.0.1:${port}`;

  const calls = [];
  const violations = [];
  async function call(op, method, p, { headers = {}, body, expect } = {}) {
    const res = await fetch(base + p, {
      method,
      headers: { "x-api-version": version, ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    const fromPrism = json && typeof json.type === "string" && json.type.includes("stoplight.io/prism/errors");
    calls.push({ op, status: res.status });
    if (fromPrism) {
      violations.push(`${op} ${method} ${p} -> ${res.status} ${json.title}: ${JSON.stringify(json.validation ?? json.detail)}`);
    } else if (expect && res.status !== expect) {
      violations.push(`${op} ${method} ${p} -> ${res.status}, expected ${expect}: ${text.slice(0, 200)}`);
    }
    return json;
  }
  const creds = { "x-client-id": clientID, "x-client-secret": clientSecret };
  const bearer = (token) => ({ authorization: `Bearer ${token}` });

  // getDataAvailability: scenarios, a conflict, an invalid identifier, wrong credentials.
  for (const id of ["prism-da-1", "partial_prism-da", "empty_prism-da"]) {
    await call("getDataAvailability", "POST", "/user/data-availability", { headers: creds, expect: 200, body: { verification_id: id, user: [{ identifier_type: "MOBILE", identifier_value: "9000000001" }] } });
  }
  await call("getDataAvailability", "POST", "/user/data-availability", { headers: creds, expect: 409, body: { verification_id: "prism-da-1", user: [{ identifier_type: "MOBILE", identifier_value: "9000000001" }] } });
  await call("getDataAvailability", "POST", "/user/data-availability", { headers: { ...creds, "x-client-secret": "wrong" }, expect: 401, body: { verification_id: "prism-da-2", user: [{ identifier_type: "MOBILE", identifier_value: "9000000001" }] } });

  // getUserDetails: every scope, partial and empty sets, an expired and a denied token.
  for (const token of ["prism-token", "partial_prism-token", "empty_prism-token"]) {
    await call("getUserDetails", "GET", "/oauth2/user-details", { headers: bearer(token), expect: 200 });
  }
  await call("getUserDetails", "GET", "/oauth2/user-details", { headers: bearer("expired_prism-token") });
  await call("getUserDetails", "GET", "/oauth2/user-details", { headers: bearer("denied_prism-token") });

  // getDigiLockerStatus, getConsentStatus, getFinancialInformation: poll each to its last status.
  const polled = [
    ["getDigiLockerStatus", "/digilocker", "verification_id"],
    ["getConsentStatus", "/aa/consent", "consent_verification_id"],
    ["getFinancialInformation", "/aa/fi", "fi_verification_id"],
  ];
  for (const [op, p, param] of polled) {
    for (const id of ["prism-1", "denied_prism-1", "expired_prism-1", "partial_prism-1", "empty_prism-1", "failed_prism-1"]) {
      for (let i = 0; i < 4; i++) await call(op, "GET", `${p}?${param}=${id}`, { headers: creds, expect: 200 });
    }
    await call(op, "GET", `${p}?${param}=unknown_prism-1`, { headers: creds });
    await call(op, "GET", `${p}?${param}=prism-2`, { headers: { ...creds, "x-client-secret": "wrong" }, expect: 401 });
  }

  const perOp = {};
  for (const c of calls) {
    perOp[c.op] ??= {};
    perOp[c.op][c.status] = (perOp[c.op][c.status] ?? 0) + 1;
  }
  console.log(`prism proxy --errors: ${violations.length} violations in ${calls.length} calls`);
  for (const [op, statuses] of Object.entries(perOp)) {
    console.log(`  ${op}: ${Object.entries(statuses).map(([s, n]) => `${n}×${s}`).join(", ")}`);
  }
  if (violations.length) {
    console.log(violations.map((v) => "  " + v).join("\n"));
    process.exitCode = 1;
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 2;
  })
  .finally(cleanup);
