// A typed client of the Cashfree Verification (Secure ID) API: the types
// come from openapi/verification.yaml (openapi-typescript, `npm run
// generate`), the calls from openapi-fetch. Nothing here re-describes the
// API: paths, parameters and bodies are the spec's, and a change to the spec
// that breaks this code fails `tsc`.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths, SchemaError } from "./generated/api.js";

export type VerificationClient = Client<paths>;

/**
 * The x-api-version every call sends. The spec marks the header required
 * (the servers answer 400 without it) and gives this date as its default;
 * openapi-typescript keeps it required in `params.header`, so each call
 * passes this one constant (`{ params: { header: apiVersion, … } }`).
 */
export const apiVersion = { "x-api-version": "2024-12-01" } as const;

export interface ClientOptions {
  /** Like https://sandbox.cashfree.com/verification, or a proxy or mock in front of it. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * createVerificationClient sends the client credentials on every call but
 * user details, which the access token alone authenticates (the spec's
 * security of each operation), from one middleware instead of every call.
 */
export function createVerificationClient({ baseUrl, clientId, clientSecret }: ClientOptions): VerificationClient {
  if (!baseUrl) throw new Error("createVerificationClient: baseUrl is required");
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, "") });
  const credentials: Middleware = {
    onRequest({ request, schemaPath }) {
      if (schemaPath === "/oauth2/user-details") return request;
      request.headers.set("x-client-id", clientId);
      request.headers.set("x-client-secret", clientSecret);
      return request;
    },
  };
  client.use(credentials);
  return client;
}

/**
 * VerificationError is any answer but a success. `body` is the vendor's
 * error object when the answer was one; a gateway in front of the API can
 * answer a page of HTML instead, which openapi-fetch hands over as a string
 * although its type says SchemaError: then `body` is undefined and
 * `contentType` says what came.
 */
export class VerificationError extends Error {
  override readonly name = "VerificationError";
  constructor(
    readonly status: number,
    readonly body: SchemaError | undefined,
    readonly contentType: string,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(body ? `HTTP ${status}: ${body.type ?? "unknown"}/${body.code ?? "unknown"}` : `HTTP ${status}: not the API's error body (${contentType || "no content type"})`);
  }
}

/** The result of an openapi-fetch call, whatever its operation. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * ok returns the body of a success and throws a VerificationError for any
 * other answer. It checks at run time what the types cannot promise: that
 * an error body is the API's JSON object.
 */
export async function ok<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const contentType = response.headers.get("content-type") ?? "";
  const isErrorObject = typeof error === "object" && error !== null && !Array.isArray(error);
  const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
  throw new VerificationError(
    response.status,
    isErrorObject && contentType.includes("json") ? (error as SchemaError) : undefined,
    contentType,
    Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
}

export interface PollOptions {
  /** Between two calls; a 429's Retry-After wins when longer. */
  intervalMs?: number;
  /** The only deadline: AbortSignal.timeout(ms) for a time limit. */
  signal?: AbortSignal;
}

/**
 * poll calls `get` until `done` says its answer is final, and returns that
 * answer. A 429 waits for its Retry-After and tries again; any other error
 * ends the poll. An unknown status is "not final yet" (the statuses are
 * closed sets today, but a new one may come).
 */
export async function poll<T>(get: () => Promise<T>, done: (answer: T) => boolean, { intervalMs = 50, signal }: PollOptions = {}): Promise<T> {
  for (;;) {
    signal?.throwIfAborted();
    let wait = intervalMs;
    try {
      const answer = await get();
      if (done(answer)) return answer;
    } catch (err) {
      if (!(err instanceof VerificationError) || err.status !== 429) throw err;
      wait = Math.max(wait, (err.retryAfterSeconds ?? 1) * 1000);
    }
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, wait);
      signal?.addEventListener("abort", () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
    });
  }
}

/**
 * known narrows an open set's value to its known values: the spec types
 * such a field `string | Known`, which TypeScript reduces to `string`, and
 * `--enum-values` gives the known list at run time (incomeRangeValues, …).
 */
export function known<K extends string>(values: ReadonlyArray<K>, value: string | undefined): value is K {
  return value !== undefined && (values as ReadonlyArray<string>).includes(value);
}

/**
 * paise reads an FI amount, a decimal string ("666.33"), as an exact
 * integer of paise: a float would drift over a statement's thousands of
 * additions. It throws on anything but a plain decimal.
 */
export function paise(amount: string | undefined): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount ?? "");
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const value = BigInt(m[2]!) * 100n + BigInt((m[3] ?? "").padEnd(2, "0"));
  return m[1] === "-" ? -value : value;
}
