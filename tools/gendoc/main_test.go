package main

import "testing"

func TestRewrite(t *testing.T) {
	in := `package p

// Status Where a thing stands.
type Status string

// Thing The thing.
type Thing struct {
	// Status Where it stands,
	// over two lines.
	Status *Status ` + "`json:\"status\"`" + `

	// Other Status is not this field's name.
	Name string
}

// Money Amounts as strings.
type Money = string
`
	want := `package p

// Status is where a thing stands.
type Status string

// Thing is the thing.
type Thing struct {
	// Where it stands,
	// over two lines.
	Status *Status ` + "`json:\"status\"`" + `

	// Other Status is not this field's name.
	Name string
}

// Money Amounts as strings.
type Money = string
`
	if got := string(sentenceTypeDocs(dropFieldNames([]byte(in)))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
