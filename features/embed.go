package features

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.feature
var embedded embed.FS

// Files returns the embedded feature files' names, sorted.
func Files() []string {
	names, _ := fs.Glob(embedded, "*.feature")
	sort.Strings(names)
	return names
}

// readFeatures reads every *.feature file of fsys.
func readFeatures(fsys fs.FS) (map[string][]byte, error) {
	names, err := fs.Glob(fsys, "*.feature")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, n := range names {
		if !strings.HasSuffix(n, ".feature") {
			continue
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out[n] = b
	}
	return out, nil
}
