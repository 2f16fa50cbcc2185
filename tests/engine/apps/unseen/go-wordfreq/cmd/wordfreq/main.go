// wordfreq counts the words of an embedded text and prints the most frequent ones as JSON,
// with the CPU it runs on.
package main

import (
	_ "embed"
	"encoding/json"
	"flag"
	"os"
	"runtime"

	"example.com/wordfreq/internal/count"
)

//go:embed text.txt
var text string

func main() {
	top := flag.Int("top", 5, "how many words to print")
	flag.Parse()
	out := map[string]any{
		"arch":     runtime.GOARCH,
		"uid":      os.Getuid(),
		"greeting": "hello from a go word counter",
		"top":      count.Top(text, *top),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
