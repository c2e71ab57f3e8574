package mock

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/cfverify/cfverify/verification"
)

// allScopes are the eleven scopes, in the order the vendor lists them.
var allScopes = []verification.Scope{
	verification.ScopeAADHAAR, verification.ScopePAN, verification.ScopeDOB, verification.ScopeEMAIL, verification.ScopeGENDER, verification.ScopeMOBILE,
	verification.ScopeNAME, verification.ScopeOCCUPATION, verification.ScopeADDRESS, verification.ScopeINCOME, verification.ScopeBANKACCOUNT,
}

func scopesOf(s Scenario) []verification.Scope {
	if s.Scopes == nil {
		return allScopes
	}
	return s.Scopes
}

// hashID maps a string to 64 bits, mixed with the server's seed, so that
// data made for an id is the same whatever order requests arrive in.
func hashID(seed uint64, parts ...string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(seed >> (8 * i))
	}
	_, _ = h.Write(b[:])
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// person is one fake individual: every field plainly not a real person's.
type person struct {
	first, last, gender, genderWord string
	dob                             time.Time
	mobile, email, pan, aadhaar     string
	house, street, city, state, pin string
	bankAccount, bankName, ifsc     string
	occupation                      string
	income                          verification.IncomeRange
}

func fakePerson(seed uint64) person {
	rng := rand.New(rand.NewPCG(seed, 0x51ed270b27d1c0de))
	d := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	i := rng.IntN(len(fakeFirstNames))
	first := fakeFirstNames[i]
	last := fakeLastNames[rng.IntN(len(fakeLastNames))]
	city := fakeCities[rng.IntN(len(fakeCities))]
	bank := fakeBanks[rng.IntN(len(fakeBanks))]
	gender, word := "M", "MALE"
	if i%2 == 0 {
		gender, word = "F", "FEMALE"
	}
	incomes := []verification.IncomeRange{verification.IncomeRangeBELOWONELAKH, verification.IncomeRangeONETOFIVELAKHS, verification.IncomeRangeFIVETOTENLAKHS,
		verification.IncomeRangeABOVETENLAKHS}
	return person{
		first: first, last: last, gender: gender, genderWord: word,
		dob:     time.Date(1965+rng.IntN(36), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC),
		mobile:  "99999" + d(5),
		email:   strings.ToLower(first) + "." + strings.ToLower(last) + "@example.com",
		pan:     "ZZZPZ" + d(4) + "Z",
		aadhaar: "xxxxxxxx" + d(4),
		house:   "Flat " + strconv.Itoa(1+rng.IntN(900)) + ", Test Residency",
		street:  strconv.Itoa(1+rng.IntN(40)) + " Sample Road",
		city:    city.name, state: city.state, pin: city.pin,
		bankAccount: "0000" + d(8), bankName: strings.ToUpper(bank.name), ifsc: bank.ifsc,
		occupation: []string{"Salaried", "Self Employed", "Business", "Student"}[rng.IntN(4)],
		income:     incomes[rng.IntN(len(incomes))],
	}
}

func (p person) name() string    { return p.first + " " + p.last }
func (p person) address() string { return p.house + ", " + p.street + ", " + p.city + " - " + p.pin }

// userDetails builds the answer of GET /oauth2/user-details for a token.
func userDetails(seed uint64, token string, s Scenario) verification.UserDetails {
	h := hashID(seed, "user-details", token)
	p := fakePerson(h)
	score := func(v float64) *float64 { return &v }
	out := verification.UserDetails{
		ReferenceID:    refID(int64(1_000_000 + h%9_000_000)),
		VerificationID: ptr("secureid_" + strconv.FormatUint(h%1_000_000_000, 36)),
	}
	for _, scope := range scopesOf(s) {
		switch scope {
		case verification.ScopeAADHAAR:
			out.Aadhaar = append(out.Aadhaar, []verification.AadhaarRecord{{
				ConfidenceScore: score(0.85),
				Metadata: &verification.AadhaarMetadata{
					Aadhaar: ptr(p.aadhaar), CareOf: ptr("S/O: " + fakeFirstNames[int(h%7)] + " " + p.last),
					Address: ptr(p.house + "," + p.street + "," + p.city + "," + p.state + ",India"),
					DOB:     ptr(p.dob.Format("02-01-2006")), Email: ptr(p.email), Gender: ptr(p.gender),
					Name: ptr(p.name()),
					SplitAddress: &verification.SplitAddress{
						Country: ptr("India"), Dist: ptr(p.city), House: ptr(p.house), Landmark: ptr("Near Example Park"),
						Pincode: ptr(p.pin), Po: ptr(p.city), State: ptr(p.state), Street: ptr(p.street),
						Subdist: ptr(p.city), Vtc: ptr(p.city),
					},
					YearOfBirth: ptr(strconv.Itoa(p.dob.Year())), MobileHash: ptr(strconv.FormatUint(h, 16)),
					PhotoLink: ptr("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
				},
			}}...)
		case verification.ScopePAN:
			out.PAN = append(out.PAN, []verification.PANRecord{{
				ConfidenceScore: score(0.85),
				Metadata: &verification.PANMetadata{
					PAN: ptr(p.pan), Type: ptr("Individual"), RegisteredName: ptr(p.name()),
					AadhaarSeedingStatus: ptr("Y"), LastUpdatedAt: ptr("2023-09-01"), NamePANCard: ptr(p.name()),
					AadhaarSeedingStatusDesc: ptr("Aadhaar is linked to PAN"),
				},
			}}...)
		case verification.ScopeDOB:
			out.DOB = append(out.DOB, []verification.DOBRecord{{
				Metadata: &verification.DOBMetadata{DOB: ptr(p.dob.Format(time.DateOnly))},
			}}...)
		case verification.ScopeEMAIL:
			out.Email = append(out.Email, []verification.EmailRecord{{
				Metadata: &verification.EmailMetadata{Email: ptr(p.email)},
			}}...)
		case verification.ScopeGENDER:
			out.Gender = append(out.Gender, []verification.GenderRecord{{
				Metadata: &verification.GenderMetadata{Gender: ptr(p.genderWord)},
			}}...)
		case verification.ScopeMOBILE:
			out.Mobile = append(out.Mobile, []verification.MobileRecord{{
				Metadata: &verification.MobileMetadata{Mobile: ptr(p.mobile)},
			}}...)
		case verification.ScopeNAME:
			out.Name = append(out.Name, []verification.NameRecord{{
				ConfidenceScore: score(0.85), Metadata: &verification.NameMetadata{Name: ptr(p.name())},
			}}...)
		case verification.ScopeOCCUPATION:
			out.Occupation = append(out.Occupation, []verification.OccupationRecord{{
				Metadata: &verification.OccupationMetadata{Occupation: ptr(p.occupation)},
			}}...)
		case verification.ScopeADDRESS:
			out.Address = append(out.Address, []verification.AddressRecord{{
				Metadata: &verification.AddressMetadata{CompleteAddress: ptr(p.address()), State: ptr(p.state), Type: ptr("Permanent"), Pincode: ptr(p.pin)},
			}}...)
		case verification.ScopeINCOME:
			out.Income = append(out.Income, []verification.IncomeRecord{{
				Metadata: &verification.IncomeMetadata{Income: ptr(p.income)},
			}}...)
		case verification.ScopeBANKACCOUNT:
			out.BankAccount = append(out.BankAccount, []verification.BankAccountRecord{{
				ConfidenceScore: score(0.85),
				Metadata: &verification.BankAccountMetadata{
					BankAccount: ptr(p.bankAccount), NameAtBank: ptr(p.name()), BankName: ptr(p.bankName),
					City: ptr(strings.ToUpper(p.city)), Branch: ptr(strings.ToUpper(p.city)), MICR: ptr(p.pin + "002"),
				},
			}}...)
		}
		// A scope the mock has no data shape for is left out.
	}
	return out
}

// digiLockerUser is the user DigiLocker knows once authenticated.
func digiLockerUser(seed uint64, id, eaadhaar string) *verification.DigiLockerUserDetails {
	p := fakePerson(hashID(seed, "digilocker", id))
	return &verification.DigiLockerUserDetails{
		Name: ptr(p.name()), DOB: ptr(p.dob.Format("02-01-2006")), Gender: ptr(p.gender),
		Eaadhaar: ptr(verification.DigiLockerUserDetailsEaadhaar(eaadhaar)), Mobile: ptr(p.mobile),
	}
}
