package fakeaws

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// TestEveryCallServed: every call the loader reads (model.Calls, and the
// account's identity) is an operation of the fake, with its wire shapes.
func TestEveryCallServed(t *testing.T) {
	served := map[model.Call]bool{}
	for name, spec := range operations {
		if _, ok := operationFor(name); !ok {
			t.Errorf("%s: no output shape", name)
		}
		served[spec.call] = true
	}
	for _, ci := range append(model.Calls, model.CallInfo{Call: model.CallCallerIdentity}) {
		if !served[ci.Call] {
			t.Errorf("%s: no operation of the fake answers it", ci.Call)
		}
	}
	// Every shape a table names exists.
	for name, def := range genShapes {
		for _, m := range def.Members {
			checkRef(t, name, m.Shape)
		}
		checkRef(t, name, def.Item)
		checkRef(t, name, def.Key)
	}
	for name, def := range handShapes {
		for _, m := range def.Members {
			checkRef(t, name, m.Shape)
		}
		checkRef(t, name, def.Item)
	}
}

func checkRef(t *testing.T, from, ref string) {
	switch ref {
	case "", "string", "boolean", "integer", "double", "float", "timestamp", "blob":
		return
	}
	if _, ok := shapeFor(ref); !ok {
		t.Errorf("%s refers to %s, which no table holds", from, ref)
	}
}

// TestSyntheticAccount: the benchmark's 500-interface synthetic account
// (internal/synth) is served whole and decodes to its files' items.
func TestSyntheticAccount(t *testing.T) {
	dir := t.TempDir()
	must(t, synth.WriteAccount(dir, synth.Size{VPCs: 2, SecurityGroups: 60, ENIs: 500}))
	srv, cfg := startFake(t, Options{Snapshot: dir, PageSize: 100}, "ap-northeast-1")
	client := ec2.NewFromConfig(cfg)
	for _, lc := range ec2Lists {
		got, err := lc.read(context.Background(), client)
		must(t, err)
		sameItems(t, string(lc.call), fixtureIfAny(t, file(dir, "ap-northeast-1", string(lc.call)), lc.key), asJSON(t, got))
	}
	enis := fixture(t, file(dir, "ap-northeast-1", string(model.CallNetworkInterfaces)), "NetworkInterfaces")
	if n, want := count(srv, "DescribeNetworkInterfaces", ""), (len(enis)+99)/100; n != want {
		t.Errorf("%d interfaces at 100 a page took %d requests, want %d", len(enis), n, want)
		for _, r := range srv.Requests() {
			t.Log(r)
		}
	}
}
