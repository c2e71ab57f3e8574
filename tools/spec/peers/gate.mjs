// The cross-validator gate, Node side: every valid fixture, every vendor
// example and every webhook event fixture must be accepted, every negative
// fixture rejected, by
//   - AJV 8 as plain JSON Schema (no discriminator support), with ajv-formats;
//   - openapi-enforcer, which honours the discriminator mapping.
// kin-openapi runs the same cases from Go (contract_test, TestPeerKinOpenAPI)
// and Prism runs as a proxy in front of the mock (prism-proxy.sh).
//
// A response is checked as an OpenAPI response validator built on either
// library checks it: the status picks the response (the operation's
// `default` when the status is not listed; none at all is a rejection), the
// Content-Type must be one the response lists, a JSON body must parse, and
// the parsed body must satisfy the media type's schema.
//
// Usage: node peers/gate.mjs [--spec path] (from tools/spec). Prints one line
// of counts per validator; exits 1 on any valid case rejected or negative
// case accepted, except the blind spots listed in blind-spots.json.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const yaml = require("js-yaml");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
const Enforcer = require("openapi-enforcer");

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const args = process.argv.slice(2);
const specPath = args.includes("--spec")
  ? path.resolve(args[args.indexOf("--spec") + 1])
  : path.join(root, "openapi/verification.yaml");
const testdata = path.join(root, "contract_test/testdata");
const vendorExamples = path.join(here, "vendor-examples.json");

const spec = yaml.load(fs.readFileSync(specPath, "utf8"));
const blindSpots = JSON.parse(fs.readFileSync(path.join(here, "blind-spots.json"), "utf8")).blind_spots;

// --- the cases -------------------------------------------------------------

function operationsByID() {
  const ops = {};
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op && op.operationId) ops[op.operationId] = { path: p, method, op };
    }
  }
  return ops;
}
const ops = operationsByID();

function operationOf(method, p) {
  for (const [id, o] of Object.entries(ops)) {
    if (o.path === p && o.method === method.toLowerCase()) return id;
  }
  throw new Error(`no operation for ${method} ${p}`);
}

function loadCases() {
  const cases = [];
  const valid = JSON.parse(fs.readFileSync(path.join(testdata, "index.json"), "utf8")).fixtures;
  for (const f of valid) {
    cases.push({
      name: f.file, kind: "fixture", want: "accept", operation: f.operation, status: f.status,
      contentType: f.content_type ?? "application/json",
      body: fs.readFileSync(path.join(testdata, f.file), "utf8"),
    });
  }
  const vendor = JSON.parse(fs.readFileSync(vendorExamples, "utf8"));
  vendor.forEach((e, i) => {
    cases.push({
      name: `vendor-examples.json[${i}] ${e.method} ${e.path} ${e.status} "${e.name}"`, kind: "vendor", want: "accept",
      operation: operationOf(e.method, e.path), status: e.status, contentType: "application/json",
      body: JSON.stringify(e.body),
    });
  });
  const negative = JSON.parse(fs.readFileSync(path.join(testdata, "negative/index.json"), "utf8")).negatives;
  for (const n of negative) {
    cases.push({
      name: `negative/${n.file}`, file: n.file, want: "reject", operation: n.operation, status: n.status,
      contentType: n.content_type ?? "application/json",
      body: fs.readFileSync(path.join(testdata, "negative", n.file), "utf8"),
    });
  }
  // Webhook event bodies (contract_test/testdata/webhooks): checked against
  // components/schemas/WebhookEvent. A fixture whose only finding is an
  // unlisted value of a closed set is drift for cfverify and, like the
  // strict_only response negatives, a rejection for plain JSON Schema.
  const hooks = path.join(testdata, "webhooks");
  for (const f of JSON.parse(fs.readFileSync(path.join(hooks, "index.json"), "utf8")).fixtures) {
    const closedSetDrift = (f.drift ?? []).some((d) => d.startsWith("unknown-enum-value"));
    cases.push({
      name: `webhooks/${f.file}`, file: `webhooks/${f.file}`, kind: "webhook", want: closedSetDrift ? "reject" : "accept",
      webhook: true, body: fs.readFileSync(path.join(hooks, f.file), "utf8"),
    });
  }
  for (const n of JSON.parse(fs.readFileSync(path.join(hooks, "negative/index.json"), "utf8")).negatives) {
    cases.push({
      name: `webhooks/negative/${n.file}`, file: `webhooks/negative/${n.file}`, want: "reject",
      webhook: true, body: fs.readFileSync(path.join(hooks, "negative", n.file), "utf8"),
    });
  }
  return cases;
}

// webhookBody parses a webhook case's body, or says why it can't.
function webhookBody(c) {
  try {
    return { body: JSON.parse(c.body) };
  } catch (e) {
    return { reject: `body is not JSON: ${e.message}` };
  }
}

// --- what every response validator does before the schema -----------------

function baseMediaType(ct) {
  return (ct || "").split(";")[0].trim().toLowerCase();
}
function isJSON(mt) {
  return mt === "application/json" || mt.endsWith("+json");
}

// responseFor returns {statusKey, mediaType, body} or {reject: reason}.
function responseFor(c, responses) {
  const key = responses[String(c.status)] ? String(c.status) : responses.default ? "default" : null;
  if (!key) return { reject: `status ${c.status} is not documented and there is no default response` };
  const response = responses[key];
  const content = response.content || {};
  if (Object.keys(content).length === 0) return { statusKey: key };
  const mt = baseMediaType(c.contentType);
  if (!content[mt]) return { reject: `Content-Type "${c.contentType}" is not listed for ${key}` };
  if (!isJSON(mt)) return { statusKey: key, mediaType: mt };
  let body;
  try {
    body = JSON.parse(c.body);
  } catch (e) {
    return { reject: `body is not JSON: ${e.message}` };
  }
  return { statusKey: key, mediaType: mt, body, parsed: true };
}

// --- AJV, plain JSON Schema ------------------------------------------------

function ajvValidator() {
  // strict: false lets OpenAPI's own keywords (discriminator, example, x-…)
  // through as annotations; nullable is AJV's built-in OpenAPI keyword.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(spec, "spec.json");
  const compiled = new Map();
  const validateWebhook = ajv.compile({ $ref: "spec.json#/components/schemas/WebhookEvent" });
  return (c) => {
    if (c.webhook) {
      const w = webhookBody(c);
      if (w.reject) return w.reject;
      if (validateWebhook(w.body)) return null;
      return validateWebhook.errors.slice(0, 3).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
    }
    const { op } = ops[c.operation];
    const r = responseFor(c, op.responses);
    if (r.reject) return r.reject;
    if (!r.parsed) return null;
    const pointer = `spec.json#/paths/${ops[c.operation].path.replaceAll("~", "~0").replaceAll("/", "~1")}/${ops[c.operation].method}/responses/${r.statusKey}/content/${r.mediaType.replaceAll("/", "~1")}/schema`;
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: pointer });
      compiled.set(pointer, validate);
    }
    if (validate(r.body)) return null;
    return validate.errors.slice(0, 3).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
  };
}

// --- openapi-enforcer (discriminator-aware) --------------------------------

async function enforcerValidator() {
  const [openapi, err] = await Enforcer(structuredClone(spec), { fullResult: true });
  if (err) throw new Error("openapi-enforcer refuses the spec:\n" + err);
  // openapi-enforcer 1.23 throws, rather than reports, on some invalid
  // bodies (data: null under an allOf): a throw is its rejection.
  const checkSchema = (schema, body) => {
    let value, derr;
    try {
      [value, derr] = schema.deserialize(body);
    } catch (e) {
      return `openapi-enforcer threw: ${e.message}`;
    }
    if (derr) return String(derr).split("\n").slice(0, 4).join(" ");
    const verr = schema.validate(value);
    return verr ? String(verr).split("\n").slice(0, 4).join(" ") : null;
  };
  return (c) => {
    if (c.webhook) {
      const w = webhookBody(c);
      return w.reject ?? checkSchema(openapi.components.schemas.WebhookEvent, w.body);
    }
    const { path: p, method } = ops[c.operation];
    const op = openapi.paths[p][method];
    const r = responseFor(c, op.responses);
    if (r.reject) return r.reject;
    if (!r.parsed) return null;
    return checkSchema(op.responses[r.statusKey].content[r.mediaType].schema, r.body);
  };
}

// --- the gate ---------------------------------------------------------------

function isBlind(validatorName, c) {
  return blindSpots.find((b) => c.file === b.file && b.validators.includes(validatorName));
}

async function main() {
  const cases = loadCases();
  const validators = { "ajv-8 (plain JSON Schema)": ["ajv", ajvValidator()], "openapi-enforcer": ["enforcer", await enforcerValidator()] };
  let failed = false;
  for (const [label, [name, check]] of Object.entries(validators)) {
    const total = { fixture: 0, vendor: 0, webhook: 0 }, accepted = { fixture: 0, vendor: 0, webhook: 0 };
    let negTotal = 0, negRejected = 0, blind = 0;
    const problems = [];
    for (const c of cases) {
      const reason = check(c);
      if (c.want === "accept") {
        total[c.kind]++;
        if (reason === null) accepted[c.kind]++;
        else problems.push(`  valid case rejected: ${c.name}: ${reason}`);
      } else {
        negTotal++;
        if (reason !== null) negRejected++;
        else if (isBlind(name, c)) blind++;
        else problems.push(`  negative case accepted: ${c.name}`);
      }
    }
    console.log(`${label}: valid accepted ${accepted.fixture + accepted.vendor + accepted.webhook}/${total.fixture + total.vendor + total.webhook} ` +
      `(fixtures ${accepted.fixture}/${total.fixture}, vendor examples ${accepted.vendor}/${total.vendor}, webhook events ${accepted.webhook}/${total.webhook}), invalid rejected ${negRejected}/${negTotal}` +
      (blind ? ` (${blind} accepted by design, see peers/blind-spots.json)` : ""));
    if (problems.length) {
      failed = true;
      console.log(problems.join("\n"));
    }
  }
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
