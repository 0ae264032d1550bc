package tfplan

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

func snapshotLoad(paths ...string) (*model.Inventory, error) { return snapshot.Load(paths...) }
