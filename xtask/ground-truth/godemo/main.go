// The Go program of the ground-truth image (`cargo xtask ground-truth`): standard library
// only, so its build information names the toolchain's stdlib and the main module.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println(strings.ToUpper(strings.Join(os.Args[1:], " ")))
}
