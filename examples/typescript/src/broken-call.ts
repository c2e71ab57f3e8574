// Not a test: scripts/ts-example.sh runs it to prove the gate closes. The
// types let any string through as a reference id (the spec's
// LookupReferenceID has a string branch, for ids decoded as strings), but
// the wire wants digits: cfverify proxy must report this request, and the
// CI step exit 6, even though the call itself "works".
import { apiVersion, createVerificationClient } from "./client.js";

const client = createVerificationClient({
  baseUrl: process.env.CASHFREE_BASE_URL ?? "",
  clientId: process.env.CASHFREE_CLIENT_ID ?? "",
  clientSecret: process.env.CASHFREE_CLIENT_SECRET ?? "",
});
const { response } = await client.GET("/digilocker", { params: { header: apiVersion, query: { reference_id: "not-a-number" } } });
console.log(`broken-call: the server answered ${response.status}`);
