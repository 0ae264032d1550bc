// Command vpcdoctor finds what is wrong with an AWS network and how to fix
// it. See README.md and `vpcdoctor --help`.
package main

import (
	"os"

	"github.com/vpcdoctor/vpcdoctor/internal/cmd/root"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

func main() {
	os.Exit(root.Main(os.Args[1:], cmdutil.System()))
}
