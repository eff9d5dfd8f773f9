//go:build generate

// Package tools holds the developer tools of terraform-provider-greenwaba. They are pinned by the
// tool directives in this directory's go.mod, a module of its own so that they never enter the
// provider's dependency graph. `make generate` runs the directives below.
package tools

// Render docs/ from the provider schema, templates/ and examples/. tfplugindocs builds the provider
// and asks the terraform binary on PATH for its schema (no download, no network).
//go:generate go tool tfplugindocs generate --provider-dir .. --provider-name greenwaba

// Check the rendered pages the way the Terraform Registry will.
//go:generate go tool tfplugindocs validate --provider-dir .. --provider-name greenwaba
