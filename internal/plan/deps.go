package plan

// The Terraform writer (terraform.go) uses hclwrite and cty; this file
// keeps them in go.mod until it exists.
import (
	_ "github.com/hashicorp/hcl/v2/hclwrite"
	_ "github.com/zclconf/go-cty/cty"
)
