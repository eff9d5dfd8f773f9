package provider

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// TestAccProvider_writesNoFilesOutsideTheWorkingDirectory: the CLI runs the provider binary through a create,
// an update, a no-op apply and a destroy with HOME and XDG_CACHE_HOME pointed at empty folders; afterwards
// nothing of the provider's is in them (it keeps no pace records or caches of its own).
func TestAccProvider_writesNoFilesOutsideTheWorkingDirectory(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 to run it", resource.EnvTfAcc)
	}
	terraformOnly(t)
	acc := newTestAccount(t, mockapi.Options{RateLimits: true})
	bin, err := huntBinary()
	if err != nil {
		t.Fatal(err)
	}
	home, cache := t.TempDir(), t.TempDir()
	tf := devOverridesCLI(t, bin, t.TempDir(), "HOME="+home, "XDG_CACHE_HOME="+cache)
	for _, url := range []string{"https://hooks.example.test/a", "https://hooks.example.test/b", "https://hooks.example.test/b"} {
		tf.writeConfig(acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "` + url + `"
}
`))
		tf.run("apply", "-auto-approve", "-no-color")
	}
	tf.run("destroy", "-auto-approve", "-no-color")

	for _, dir := range []string{home, cache} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.Contains(strings.ToLower(path), "greenwaba") || (dir == cache && path != cache) {
				t.Errorf("the provider left %s", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
