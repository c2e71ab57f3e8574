// The same checks against the types of a second generator,
// @hey-api/openapi-ts (make ts-check generates ./hey from the spec): its
// discriminated union of scopes, open and closed sets, and the error body.
import type { ConsentFilter, DigiLockerStatusValue, Error as APIError, IncomeScope, UserDetails } from "./hey/types.gen";

export function aadhaarLastFour(details: UserDetails): string | undefined {
  for (const entry of details.scopes ?? []) {
    if (entry.scope === "AADHAAR") {
      return entry.records?.[0]?.metadata?.aadhaar?.slice(-4);
    }
  }
  return undefined;
}

type Income = NonNullable<NonNullable<NonNullable<IncomeScope["records"]>[number]["metadata"]>["income"]>;
const knownBand: Income = "ABOVE_TEN_LAKHS";
const newBand: Income = "ABOVE_ONE_CRORE";
const operator: ConsentFilter["operator"] = "BETWEEN";
// @ts-expect-error a DigiLocker status no source lists is not a DigiLockerStatusValue
const unknownStatus: DigiLockerStatusValue = "IN_REVIEW";
const failure: APIError = { code: "authentication_failed", error: { ref_id: 102 } };
export const sample = { knownBand, newBand, operator, unknownStatus, failure };
