package cmdutil

// Plural is noun for one and noun+"s" for any other n: "1 account", "2
// accounts" (the caller writes the number).
func Plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
