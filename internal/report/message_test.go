package report

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

func TestJapaneseSpacing(t *testing.T) {
	for in, want := range map[string]string{
		"このグループは 現在どこにも":                     "このグループは現在どこにも",
		"このグループは EC2 インスタンス 3 台 で使用":         "このグループは EC2 インスタンス 3 台で使用",
		"ルートテーブル rtb-1  に":                   "ルートテーブル rtb-1 に",
		"i-1（状態: stopped） には":                "i-1（状態: stopped）には",
		"破棄されます 。":                           "破棄されます。",
		"sg-1 (app) は 0.0.0.0/0 からの":         "sg-1 (app) は 0.0.0.0/0 からの",
		"a  b, plain English stays as it is": "a  b, plain English stays as it is",
	} {
		if got := JapaneseSpacing(in); got != want {
			t.Errorf("JapaneseSpacing(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMessageAndEvidenceIn(t *testing.T) {
	f := Finding{
		Message:     "1 subnet",
		Msg:         i18n.M("finding.n.subnet.one"),
		Evidence:    []string{"rtb-1 0.0.0.0/0 -> igw-1", "listener HTTP:80 default action is not a redirect"},
		EvidenceMsg: []i18n.Message{{}, i18n.M("finding.ev.http-no-redirect", "80")},
	}
	if got := f.MessageIn(i18n.English); got != f.Message {
		t.Errorf("English message %q", got)
	}
	if got := f.MessageIn(i18n.Japanese); got != "1 個のサブネット" {
		t.Errorf("Japanese message %q", got)
	}
	ev := f.EvidenceIn(i18n.Japanese)
	if ev[0] != f.Evidence[0] || ev[1] != "リスナー HTTP:80 のデフォルトアクションはリダイレクトではありません" {
		t.Errorf("Japanese evidence %q", ev)
	}
	f.Msg, f.EvidenceMsg = i18n.Message{}, nil // as read back from JSON
	if f.MessageIn(i18n.Japanese) != f.Message || f.EvidenceIn(i18n.Japanese)[1] != f.Evidence[1] {
		t.Error("a finding without catalogue messages is not kept as it is")
	}
}
