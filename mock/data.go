package mock

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/cfverify/cfverify/client/api"
)

// allScopes are the eleven scopes, in the order the vendor lists them.
var allScopes = []api.Scope{
	api.ScopeAADHAAR, api.ScopePAN, api.ScopeDOB, api.ScopeEMAIL, api.ScopeGENDER, api.ScopeMOBILE,
	api.ScopeNAME, api.ScopeOCCUPATION, api.ScopeADDRESS, api.ScopeINCOME, api.ScopeBANKACCOUNT,
}

func scopesOf(s Scenario) []api.Scope {
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
	income                          api.IncomeRange
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
	incomes := []api.IncomeRange{api.IncomeRangeBELOWONELAKH, api.IncomeRangeONETOFIVELAKHS, api.IncomeRangeFIVETOTENLAKHS,
		api.IncomeRangeABOVETENLAKHS}
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
func userDetails(seed uint64, token string, s Scenario) api.UserDetails {
	h := hashID(seed, "user-details", token)
	p := fakePerson(h)
	score := func(v float64) *float64 { return &v }
	out := api.UserDetails{
		ReferenceID:    refID(int64(1_000_000 + h%9_000_000)),
		VerificationID: ptr("secureid_" + strconv.FormatUint(h%1_000_000_000, 36)),
		Scopes:         []api.ScopeData{},
	}
	for _, scope := range scopesOf(s) {
		var sd api.ScopeData
		var err error
		switch scope {
		case api.ScopeAADHAAR:
			err = sd.FromAadhaarScope(api.AadhaarScope{Scope: scope, Records: []api.AadhaarRecord{{
				ConfidenceScore: score(0.85),
				Metadata: &api.AadhaarMetadata{
					Aadhaar: ptr(p.aadhaar), CareOf: ptr("S/O: " + fakeFirstNames[int(h%7)] + " " + p.last),
					Address: ptr(p.house + "," + p.street + "," + p.city + "," + p.state + ",India"),
					DOB:     ptr(p.dob.Format("02-01-2006")), Email: ptr(p.email), Gender: ptr(p.gender),
					Name: ptr(p.name()),
					SplitAddress: &api.SplitAddress{
						Country: ptr("India"), Dist: ptr(p.city), House: ptr(p.house), Landmark: ptr("Near Example Park"),
						Pincode: ptr(p.pin), Po: ptr(p.city), State: ptr(p.state), Street: ptr(p.street),
						Subdist: ptr(p.city), Vtc: ptr(p.city),
					},
					YearOfBirth: ptr(strconv.Itoa(p.dob.Year())), MobileHash: ptr(strconv.FormatUint(h, 16)),
					PhotoLink: ptr("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
				},
			}}})
		case api.ScopePAN:
			err = sd.FromPANScope(api.PANScope{Scope: scope, Records: []api.PANRecord{{
				ConfidenceScore: score(0.85),
				Metadata: &api.PANMetadata{
					PAN: ptr(p.pan), Type: ptr("Individual"), RegisteredName: ptr(p.name()),
					AadhaarSeedingStatus: ptr("Y"), LastUpdatedAt: ptr("2023-09-01"), NamePANCard: ptr(p.name()),
					AadhaarSeedingStatusDesc: ptr("Aadhaar is linked to PAN"),
				},
			}}})
		case api.ScopeDOB:
			err = sd.FromDOBScope(api.DOBScope{Scope: scope, Records: []api.DOBRecord{{
				Metadata: &api.DOBMetadata{DOB: ptr(p.dob.Format(time.DateOnly))},
			}}})
		case api.ScopeEMAIL:
			err = sd.FromEmailScope(api.EmailScope{Scope: scope, Records: []api.EmailRecord{{
				Metadata: &api.EmailMetadata{Email: ptr(p.email)},
			}}})
		case api.ScopeGENDER:
			err = sd.FromGenderScope(api.GenderScope{Scope: scope, Records: []api.GenderRecord{{
				Metadata: &api.GenderMetadata{Gender: ptr(p.genderWord)},
			}}})
		case api.ScopeMOBILE:
			err = sd.FromMobileScope(api.MobileScope{Scope: scope, Records: []api.MobileRecord{{
				Metadata: &api.MobileMetadata{Mobile: ptr(p.mobile)},
			}}})
		case api.ScopeNAME:
			err = sd.FromNameScope(api.NameScope{Scope: scope, Records: []api.NameRecord{{
				ConfidenceScore: score(0.85), Metadata: &api.NameMetadata{Name: ptr(p.name())},
			}}})
		case api.ScopeOCCUPATION:
			err = sd.FromOccupationScope(api.OccupationScope{Scope: scope, Records: []api.OccupationRecord{{
				Metadata: &api.OccupationMetadata{Occupation: ptr(p.occupation)},
			}}})
		case api.ScopeADDRESS:
			err = sd.FromAddressScope(api.AddressScope{Scope: scope, Records: []api.AddressRecord{{
				Metadata: &api.AddressMetadata{CompleteAddress: ptr(p.address()), State: ptr(p.state), Type: ptr("Permanent"), Pincode: ptr(p.pin)},
			}}})
		case api.ScopeINCOME:
			err = sd.FromIncomeScope(api.IncomeScope{Scope: scope, Records: []api.IncomeRecord{{
				Metadata: &api.IncomeMetadata{Income: ptr(p.income)},
			}}})
		case api.ScopeBANKACCOUNT:
			err = sd.FromBankAccountScope(api.BankAccountScope{Scope: scope, Records: []api.BankAccountRecord{{
				ConfidenceScore: score(0.85),
				Metadata: &api.BankAccountMetadata{
					BankAccount: ptr(p.bankAccount), NameAtBank: ptr(p.name()), BankName: ptr(p.bankName),
					City: ptr(strings.ToUpper(p.city)), Branch: ptr(strings.ToUpper(p.city)), MICR: ptr(p.pin + "002"),
				},
			}}})
		default:
			continue // a scope the mock has no data shape for
		}
		if err != nil {
			panic(err) // marshalling plain structs cannot fail
		}
		out.Scopes = append(out.Scopes, sd)
	}
	return out
}

// digiLockerUser is the user DigiLocker knows once authenticated.
func digiLockerUser(seed uint64, id, eaadhaar string) *api.DigiLockerUserDetails {
	p := fakePerson(hashID(seed, "digilocker", id))
	return &api.DigiLockerUserDetails{
		Name: ptr(p.name()), DOB: ptr(p.dob.Format("02-01-2006")), Gender: ptr(p.gender),
		Eaadhaar: ptr(api.DigiLockerUserDetailsEaadhaar(eaadhaar)), Mobile: ptr(p.mobile),
	}
}
