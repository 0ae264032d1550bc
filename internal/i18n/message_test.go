package i18n

import "testing"

func TestRenderNestedAndLists(t *testing.T) {
	for _, c := range []struct {
		lang Lang
		m    Message
		want string
	}{
		{English, M("common.list.pair", "a", "b"), "a and b"},
		{English, M("common.list.item", List{"a", "b", "c"}), "a, b and c"},
		{Japanese, M("common.list.item", List{"a", "b", "c"}), "a、b、c"},
		{Japanese, M("common.list.item", List{M("common.internet"), "x"}), "インターネット と x"},
		{English, M("common.list.item", []Message{M("common.severity.high"), M("common.severity.low")}), "high and low"},
		{English, M("common.list.item", List{"only"}), "only"},
		{English, M("common.list.item", List{}), ""},
		{English, M("common.list.item", 7), "7"},
		{English, Message{}, ""},
	} {
		if got := c.lang.Render(c.m); got != c.want {
			t.Errorf("%s %v: got %q, want %q", c.lang, c.m, got, c.want)
		}
	}
}
