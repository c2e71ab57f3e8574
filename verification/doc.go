// Package verification holds the data of the Cashfree Verification (Secure
// ID) API: the request and result types of its five operations, generated
// from openapi/verification.yaml, and the hand-written helpers that read
// them (UserDetails with one typed slice per scope, the parsed statement of
// a FinancialInformation answer, dates, statuses).
//
// It imports no HTTP client: package client returns these types, package
// mock serves them, and code that only stores or passes them on can import
// this package alone.
//
// The types model the wire: optional fields are pointers (nil when the
// server sent null or nothing), arrays the server may send as null are nil
// slices, ids sent as integer or string are ReferenceID (a value: its zero
// value means absent), and status values the spec does not list yet still
// decode (their Valid method reports false). Optional fields are pointers
// rather than values with accessors so that null, absent and zero stay
// apart; results hold personal data, so they have no String methods that
// would print it.
//
// Each value has one name, set in the spec (x-enum-varnames): the statuses
// read DigiLockerAuthenticated, ConsentSuccess, FIFailed, AccountDelivered,
// Credit; the other sets carry their type's name (ScopeMOBILE).
package verification
