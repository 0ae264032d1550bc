package main
import (_ "github.com/spf13/cobra"; _ "go4.org/netipx"; _ "golang.org/x/term"; _ "github.com/google/go-cmp/cmp"; _ "github.com/rogpeppe/go-internal/testscript")
func main(){}
