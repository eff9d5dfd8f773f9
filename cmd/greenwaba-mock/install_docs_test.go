package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// remoteInstall is a `go install` or `go run` of this module by its path at a version: the module is not
// published, so such a command fails for every reader.
var remoteInstall = regexp.MustCompile(`go (install|run) github\.com/greenwaba/terraform-provider-greenwaba[^\s` + "`" + `]*@`)

// TestInstallDocs_onlyCommandsThatWork keeps the install instructions to what works: a release archive, or a
// build from a clone of the repository.
func TestInstallDocs_onlyCommandsThatWork(t *testing.T) {
	for _, file := range []string{"../../README.md", "../../templates/index.md.tmpl", "../../docs/index.md", "README.md"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		if m := remoteInstall.FindString(text); m != "" {
			t.Errorf("%s tells readers to run %q, which fails: the module is not published", file, m)
		}
		if file == "README.md" {
			continue // this directory's README starts from a clone
		}
		for _, want := range []string{"greenwaba-mock_<version>_<os>_<arch>.zip", "go build -o bin/ ./cmd/greenwaba-mock"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s does not say how to get greenwaba-mock with %q", file, want)
			}
		}
	}
}
