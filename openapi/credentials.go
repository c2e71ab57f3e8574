package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// credentialsPresent is the AuthenticationFunc: it checks that the
// credential a security scheme asks for is present, not that it is right.
func credentialsPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if msg := credentialMissing(in.RequestValidationInput.Request, in.SecurityScheme); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// credentialName is the header, query or cookie name a scheme's credential travels in.
func credentialName(s *openapi3.SecurityScheme) string {
	if s.Type == "apiKey" {
		return s.Name
	}
	return "Authorization"
}

// credentialMissing returns why req lacks the credential of s, or "".
func credentialMissing(req *http.Request, s *openapi3.SecurityScheme) string {
	switch s.Type {
	case "apiKey":
		var val string
		switch s.In {
		case "header":
			val = req.Header.Get(s.Name)
		case "query":
			if req.URL != nil {
				val = req.URL.Query().Get(s.Name)
			}
		case "cookie":
			if ck, err := req.Cookie(s.Name); err == nil {
				val = ck.Value
			}
		}
		if strings.TrimSpace(val) == "" {
			return fmt.Sprintf("credential %s (%s) is missing", s.Name, s.In)
		}
		return ""
	case "http":
		scheme := s.Scheme
		if scheme == "" {
			scheme = "bearer"
		}
		auth := req.Header.Get("Authorization")
		prefix, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(prefix, scheme) || strings.TrimSpace(token) == "" {
			return fmt.Sprintf("Authorization header with a %s credential is missing", titleCase(scheme))
		}
		return ""
	default: // oauth2, openIdConnect: a bearer token
		auth := req.Header.Get("Authorization")
		prefix, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(prefix, "bearer") || strings.TrimSpace(token) == "" {
			return "Authorization header with a Bearer token is missing"
		}
		return ""
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
