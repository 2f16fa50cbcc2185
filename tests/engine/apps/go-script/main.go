// archinfo prints where it runs, as JSON: the engine tests read the architecture from it.
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"strings"
)

func main() {
	host, _ := os.Hostname()
	out := map[string]any{
		"arch":     runtime.GOARCH,
		"go":       strings.TrimPrefix(runtime.Version(), "go"),
		"uid":      os.Getuid(),
		"greeting": "hello from go, built by a script",
		"hostname": host != "",
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
