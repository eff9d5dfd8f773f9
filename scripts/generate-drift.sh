#!/usr/bin/env bash
# generate-drift.sh runs `make generate` and fails when it changed anything in the working tree: a page
# of docs/, a template, an example, any file git sees (ignored build output aside). It compares what
# `git status` reports, with a hash of each listed file's content, before and after, so that it also
# works in a tree with uncommitted changes: only what `make generate` itself changed counts.
# Used by .ci/run and .github/workflows/test.yml.
set -euo pipefail
cd "$(dirname "$0")/.."

# tree_state prints one line per file that differs from HEAD or is untracked: its status and path, and
# the hash of its content when it exists. Two calls print the same exactly when no such file changed.
tree_state() {
	local entry path
	git status --porcelain=v1 -z --untracked-files=all --no-renames |
		while IFS= read -r -d '' entry; do
			path=${entry:3}
			if [ -f "$path" ]; then
				printf '%s %s\n' "$(git hash-object -- "$path")" "$entry"
			else
				printf '%s %s\n' '(none)' "$entry"
			fi
		done
}

before=$(tree_state)
make generate
after=$(tree_state)
if [ "$before" != "$after" ]; then
	echo "'make generate' changed the working tree (< before, > after; content hash, git status, path):" >&2
	diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") >&2 || true
	echo "Run 'make generate' and commit the result." >&2
	exit 1
fi
echo "'make generate' changed nothing."
