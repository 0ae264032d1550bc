package report

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// ExposureOf is the report's form of one of reg's exposures, as Build
// writes it (`vpcdoctor diff` writes the parts of exposures that changed).
func ExposureOf(reg *model.Region, x reach.Exposure) Exposure { return exposureOf(reg, x) }
