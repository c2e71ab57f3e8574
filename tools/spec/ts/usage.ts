// A small TypeScript consumer of the types openapi-typescript generates from
// openapi/verification.yaml. `make ts-check` regenerates verification.d.ts and
// compiles this file with tsc in strict mode: if the spec stops describing
// these shapes (a renamed field, a lost discriminator, a nullable that is no
// longer nullable), compilation fails.
import type { components, paths } from "./verification";

type Schemas = components["schemas"];
type FI = paths["/aa/fi"]["get"]["responses"]["200"]["content"]["application/json"];
type APIError = Schemas["Error"];

// Reference ids arrive as integers or strings: both must type-check.
const ids: Schemas["ReferenceID"][] = [12345, "12345"];

// Scopes are a discriminated union: narrowing on `scope` gives typed metadata.
export function aadhaarLastFour(details: Schemas["UserDetails"]): string | undefined {
  for (const entry of details.scopes ?? []) {
    if (entry.scope === "AADHAAR") {
      const first = entry.records?.[0];
      return first?.metadata?.aadhaar?.slice(-4);
    }
  }
  return undefined;
}

// Each account's data is null until delivered; amounts are decimal strings.
export function transactionCount(fi: FI): number {
  let n = 0;
  for (const fip of fi.fi_data ?? []) {
    for (const account of fip.accounts ?? []) {
      if (account.data === null || account.data === undefined) continue;
      n += account.data.account?.transactions?.transaction?.length ?? 0;
    }
  }
  return n;
}

export function describe(err: APIError): string {
  return `${err.type ?? "unknown"}/${err.code ?? "unknown"}: ${err.message ?? ""}`;
}

const status: Schemas["DigiLockerStatusValue"] = "AUTHENTICATED";
const consent: Schemas["ConsentStatusValue"] = "SUCCESS";
const request: Schemas["DataAvailabilityRequest"] = {
  verification_id: "demo-001",
  user: [{ identifier_type: "MOBILE", identifier_value: "9000000001" }],
};
export const sample = { ids, status, consent, request };

// The vocabulary policy. Open sets take the known values and any other
// string; closed sets (statuses, scope) take only their values.
type IncomeMetadata = NonNullable<NonNullable<Schemas["IncomeRecord"]["metadata"]>>;
const knownBand: IncomeMetadata["income"] = "ONE_TO_FIVE_LAKHS";
const newBand: IncomeMetadata["income"] = "ABOVE_ONE_CRORE";
const operator: Schemas["ConsentFilter"]["operator"] = "GREATER_THAN_EQUAL_TO";
// @ts-expect-error a DigiLocker status no source lists is not a DigiLockerStatusValue
const unknownStatus: Schemas["DigiLockerStatusValue"] = "IN_REVIEW";

// Errors carry the vendor's free-form `error` object.
const failure: APIError = { type: "validation_error", code: "x-client-id_missing", error: { ref_id: 102 } };
export const vocabulary = { knownBand, newBand, operator, unknownStatus, failure };
