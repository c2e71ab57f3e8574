package client

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" // #nosec G505 -- SHA-1 is what the API's OAEP signature scheme prescribes.
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strconv"
	"time"
)

// minKeyBits is the smallest RSA modulus accepted for the signature key.
const minKeyBits = 2048

// parsePublicKey reads an RSA public key from PEM: a "PUBLIC KEY" (PKIX)
// block, as Cashfree's dashboard hands it out, or an "RSA PUBLIC KEY"
// (PKCS #1) block. Errors never quote the key material.
func parsePublicKey(data []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, configError("public key: no PEM block found")
	}
	var key *rsa.PublicKey
	switch block.Type {
	case "PUBLIC KEY":
		parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, configError("public key: %v", err)
		}
		rsaKey, ok := parsed.(*rsa.PublicKey)
		if !ok {
			return nil, configError("public key: %T is not an RSA key", parsed)
		}
		key = rsaKey
	case "RSA PUBLIC KEY":
		parsed, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, configError("public key: %v", err)
		}
		key = parsed
	case "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
		return nil, configError("public key: the PEM holds a private key; give the client the public key only")
	default:
		return nil, configError("public key: unexpected PEM block %q, want \"PUBLIC KEY\"", block.Type)
	}
	if key.N.BitLen() < minKeyBits {
		return nil, configError("public key: %d-bit RSA key, want at least %d bits", key.N.BitLen(), minKeyBits)
	}
	return key, nil
}

// sign makes the x-cf-signature value: base64 (standard, padded) of the
// RSA-OAEP encryption, SHA-1 with MGF1-SHA-1 and no label, of
// "<client id>.<unix seconds>". OAEP is randomised, and the timestamp makes
// each signature expire, so one is made for every request.
func sign(key *rsa.PublicKey, clientID string, now time.Time) (string, error) {
	msg := clientID + "." + strconv.FormatInt(now.Unix(), 10)
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, []byte(msg), nil)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}
