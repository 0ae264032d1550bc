package cmdutil

import "testing"

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "regions", 1: "region", 2: "regions"} {
		if got := Plural(n, "region"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}
