// Package count finds the most frequent words of a text.
package count

import (
	"sort"
	"strings"
)

// Word is a word and how often it occurs.
type Word struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

// Top returns the n most frequent words, the most frequent first (ties alphabetically).
func Top(text string, n int) []Word {
	counts := map[string]int{}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		counts[w]++
	}
	words := make([]Word, 0, len(counts))
	for w, c := range counts {
		words = append(words, Word{w, c})
	}
	sort.Slice(words, func(i, j int) bool {
		if words[i].Count != words[j].Count {
			return words[i].Count > words[j].Count
		}
		return words[i].Word < words[j].Word
	})
	if n < len(words) {
		words = words[:n]
	}
	return words
}
