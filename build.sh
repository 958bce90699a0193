#!/usr/bin/env bash
# export-guard build script. Installs what it needs on a fresh machine.
#
#   ./build.sh          build the Node, web and ServiceNow packages into pkg/
#   ./build.sh test     build, then run every test (native, wasm, node:test, Rhino, Chromium)
#   ./build.sh serve    build, then serve the admin page on http://127.0.0.1:8080
#                       (--port N or PORT=N to choose; runs until stopped)
#   ./build.sh bench    build, then benchmark against the plain-JS baseline (bench/RESULTS.md)
#   ./build.sh demo     build, then the load run against the Genesys simulator: 500 requests,
#                       32 workers, guarded vs naive client, then one fault at a time
#                       (options after `demo` go to sim/run.js; see --help)
#   ./build.sh sim      build, then run the Genesys simulator alone on 127.0.0.1:8787
#                       (options go to sim/server.js; see --help)
#   ./build.sh fuzz     fuzz the JSON entry point and the date parsers (not in CI;
#                       FUZZ_SECONDS per target, default 300)
#   ./build.sh zones    every local day of every time zone against Python's zoneinfo
#                       (EXPORT_GUARD_SWEEP="FROM TO" years, default "1800 2100": ~4 min)
#   ./build.sh size     build and print the sizes of the artefacts
#   ./build.sh help     this text
#
# Environment:
#   EXPORT_GUARD_OPT_LEVEL  rustc opt-level of the Node/web wasm: 3 (default, fastest) or
#                           s / z (smaller and slower; see the README's "Sizes")
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
TARGET=wasm32-unknown-unknown

say()  { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf '\nbuild.sh: error: %s\n' "$*" >&2; exit 1; }

WASM_OPT_LEVEL="${EXPORT_GUARD_OPT_LEVEL:-3}"
case "$WASM_OPT_LEVEL" in 0|1|2|3|s|z) ;; *) die "EXPORT_GUARD_OPT_LEVEL must be 0-3, s or z (got '$WASM_OPT_LEVEL')" ;; esac

# ---------------------------------------------------------------- prerequisites

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "$1 is missing and apt-get is not available: install $1 by hand"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ "$apt_updated" = 0 ]; then
    info "apt-get update"
    $sudo apt-get update -qq >/dev/null || die "apt-get update failed (needed to install $*)"
    apt_updated=1
  fi
  info "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null || die "could not install Debian package(s): $*"
}

ensure_rust() {
  command -v cargo >/dev/null 2>&1 || die "cargo is missing: install Rust with rustup (https://rustup.rs)"
  if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    say "Installing the Rust target $TARGET"
    rustup target add "$TARGET" || die "could not install the Rust target $TARGET (rustup target add $TARGET)"
  fi
}

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
  [ -f Cargo.lock ] || cargo generate-lockfile >/dev/null 2>&1
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_bindgen() {
  local want have
  want=$(wasm_bindgen_version)
  [ -n "$want" ] || die "could not read the wasm-bindgen version from Cargo.lock"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "Installing wasm-bindgen-cli $want (found: ${have:-none}; takes about 3 minutes)"
    cargo install wasm-bindgen-cli --version "$want" --force \
      || die "could not install wasm-bindgen-cli $want (cargo install wasm-bindgen-cli --version $want)"
  fi
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "Installing Node.js and npm"
    apt_install nodejs npm
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 18 ] || die "Node.js 18 or newer is needed (found $(node --version))"
}

ensure_npm_deps() {
  if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/tsc ] || [ package.json -nt node_modules/.package-lock.json ]; then
    say "Installing npm dev dependencies (binaryen for wasm-opt)"
    if [ -f package-lock.json ]; then
      npm ci --no-audit --no-fund || die "npm ci failed"
    else
      npm install --no-audit --no-fund || die "npm install failed"
    fi
  fi
}

ensure_rhino() {
  if ! command -v rhino >/dev/null 2>&1; then
    say "Installing Debian's rhino (the engine family of ServiceNow's server-side JavaScript)"
    apt_install rhino
  fi
}

# PostgreSQL for the fleet test: the test runs a throwaway cluster of its own (initdb in
# a temporary folder, 127.0.0.1, a free port), so only the binaries are needed.
ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    say "Installing Debian's postgresql (the fleet test starts a throwaway cluster)"
    apt_install postgresql
  fi
}

# The zone oracle (tests/zones/oracle.py): Python 3.9+ for zoneinfo, and zic, the tz
# reference compiler (Debian's libc-bin), to compile tz/ for it.
ensure_python() {
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import zoneinfo' 2>/dev/null; then
    say "Installing Debian's python3 (the zone oracle reads tz/ with zoneinfo)"
    apt_install python3
  fi
  if ! command -v zic >/dev/null 2>&1 && [ ! -x /usr/sbin/zic ]; then
    say "Installing Debian's libc-bin for zic (the zone oracle compiles tz/ with it)"
    apt_install libc-bin
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
    say "Installing Debian's Chromium for the browser tests"
    apt_install chromium
  fi
}

prerequisites() {
  ensure_rust
  ensure_wasm_bindgen
  ensure_node
  ensure_npm_deps
}

# ---------------------------------------------------------------- build

# Binaryen inlines every function that has one caller, whatever its size: the API's
# handlers then became one 36 KB function that V8 compiles (lazily, per function) on
# the first call of any operation, and a 400 KB one in the ES5 script. Capping that at
# 50 bytes costs 2 KB of wasm and cuts a cold require + first decide by ~30% (~14 ms
# to ~9.5 ms on the build machine, measured in alternation).
OPT_FLAGS=(--one-caller-inline-max-function-size 50)
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue --enable-reference-types)

build() {
  prerequisites
  say "Compiling the Rust core to wasm (release: opt-level $WASM_OPT_LEVEL, LTO, one codegen unit, panic=abort)"
  CARGO_PROFILE_RELEASE_OPT_LEVEL="$WASM_OPT_LEVEL" cargo build --release --target "$TARGET"
  local wasm="target/$TARGET/release/export_guard.wasm"
  for t in nodejs web; do
    local out="pkg/${t%js}"
    [ "$t" = nodejs ] && out=pkg/node
    say "wasm-bindgen --target $t -> $out/"
    rm -rf "$out"
    wasm-bindgen --target "$t" --out-dir "$out" --no-typescript "$wasm"
    info "wasm-opt -Oz, no inlining of large single-caller functions (see OPT_FLAGS)"
    node_modules/.bin/wasm-opt -Oz "${OPT_FLAGS[@]}" "${WASM_FEATURES[@]}" "$out/export_guard_bg.wasm" -o "$out/export_guard_bg.wasm"
  done
  # Both targets get the same wasm (only the glue differs): the package ships it once,
  # in web/ (a browser fetches it from beside the module), and the Node glue reads it there.
  cmp -s pkg/node/export_guard_bg.wasm pkg/web/export_guard_bg.wasm \
    || die "wasm-bindgen wrote different wasm for nodejs and web: the package cannot share one file"
  rm pkg/node/export_guard_bg.wasm
  sed -i 's#`${__dirname}/export_guard_bg.wasm`#`${__dirname}/../web/export_guard_bg.wasm`#' pkg/node/export_guard.js
  grep -q '/../web/export_guard_bg.wasm' pkg/node/export_guard.js \
    || die "could not point the Node glue at web/export_guard_bg.wasm (wasm-bindgen's output changed?)"
  say "Writing the JS entry points (pkg/index.js, pkg/web/index.js)"
  node pkg/src/entries.js
  cp LICENSE-MIT LICENSE-APACHE pkg/
  # The admin page ships in the package too, for `export-guard ui`.
  rm -rf pkg/www && mkdir -p pkg/www && cp www/index.html www/app.js www/style.css www/sample-jobs.json pkg/www/
  build_es5
  sizes
}

# The ServiceNow build: the same core, raw exports instead of wasm-bindgen, compiled
# to JS by wasm2js and made typed-array-free by pkg/src/es5-build.js.
build_es5() {
  say "Compiling the core for the ServiceNow ES5 build (every zone, from 1970)"
  RUSTFLAGS='--cfg getrandom_backend="custom"' \
    cargo build --profile es5 --target "$TARGET" --no-default-features --features es5 --target-dir target/es5
  local tmp=target/es5/js
  mkdir -p "$tmp"
  info "wasm-opt: lower sign-extension and non-trapping float-to-int (wasm2js cannot translate them), -Oz"
  node_modules/.bin/wasm-opt "target/es5/$TARGET/es5/export_guard.wasm" "${WASM_FEATURES[@]}" \
    --llvm-nontrapping-fptoint-lowering --signext-lowering -Oz "${OPT_FLAGS[@]}" -o "$tmp/core.wasm"
  info "wasm2js -O2 (bulk memory becomes helpers that the ES5 transform replaces)"
  node_modules/.bin/wasm2js "$tmp/core.wasm" --enable-bulk-memory -O2 "${OPT_FLAGS[@]}" -o "$tmp/core.js"
  info "ES5 transform -> pkg/servicenow/ExportGuardCore1..N.js + ExportGuard.js (+ ExportGuard.all.js for browsers)"
  node pkg/src/es5-build.js "$tmp/core.js" pkg/servicenow/ExportGuard.js
  info "the update set (pkg/servicenow/export-guard.update-set.xml)"
  node pkg/src/update-set.js pkg/servicenow
}

sizes() {
  say "Sizes"
  local f
  for f in pkg/web/export_guard_bg.wasm pkg/node/export_guard.js pkg/web/export_guard.js pkg/index.js pkg/web/index.js pkg/servicenow/ExportGuardCore*.js pkg/servicenow/ExportGuard.js; do
    [ -f "$f" ] && printf '    %-36s %8d bytes raw %8d gzip\n' "$f" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
  done
  printf '    %-36s %8d bytes raw\n' "ServiceNow scripts in all" "$(cat pkg/servicenow/ExportGuardCore*.js pkg/servicenow/ExportGuard.js | wc -c)"
  return 0
}

# ---------------------------------------------------------------- tests

run_tests() {
  build
  say "cargo fmt --check"
  cargo fmt --all -- --check || die "code is not formatted: run cargo fmt"
  say "cargo clippy -D warnings (native, wasm32, and the es5 feature)"
  cargo clippy --all-targets -- -D warnings
  cargo clippy --target "$TARGET" --lib -- -D warnings
  # The ES5 feature build holds the only unsafe code (src/es5.rs).
  RUSTFLAGS='--cfg getrandom_backend="custom"' \
    cargo clippy --target "$TARGET" --lib --no-default-features --features es5 --target-dir target/es5 -- -D warnings
  ensure_python
  say "Native tests (unit, property, JSON vectors; every zone: a seeded sample against zoneinfo)"
  cargo test
  say "The same zone sample with the ServiceNow build's zone data (from 1970), natively"
  cargo test --release --no-default-features --features es5 --test zones
  say "wasm-bindgen-test under Node (JSON vectors through the wasm binding)"
  cargo test --target "$TARGET" --test wasm
  say "tsc --strict: pkg/index.d.ts as a caller uses it (pkg/test/types)"
  node_modules/.bin/tsc -p pkg/test/types
  say "node:test (shim, CLI, JSON vectors through the Node package)"
  node --test pkg/test/
  say "node:test: the Genesys simulator's rules, and a small load run (guarded: 0 lost, 0 duplicates)"
  node --test sim/test/
  ensure_postgres
  say "node:test: the fleet: 4 runners share one PostgreSQL queue (2 SIGKILLed, PostgreSQL restarted), then one file"
  node --test tests/fleet/
  ensure_rhino
  say "Rhino's class compiler compiles every ServiceNow script at -opt 0 and 9, language versions 180 and 200 (no fallback to the interpreter)"
  rhino -opt -1 tests/rhino/compile-check.js "$ROOT" 0 9
  say "Rhino, ServiceNow restrictions imitated, interpreted (-opt -1, language version 180 = ES5 level)"
  rhino -version 180 -opt -1 tests/rhino/vectors.js "$ROOT" "rhino 180 interpreted"
  say "Rhino, compiled at the highest optimisation level (-opt 9, version 180)"
  rhino -version 180 -opt 9 tests/rhino/vectors.js "$ROOT" "rhino 180 -opt 9"
  say "Rhino, language version 200 (closer to ServiceNow's ES12 mode), compiled at Rhino's default level (-opt 0)"
  rhino -version 200 -opt 0 tests/rhino/vectors.js "$ROOT" "rhino 200 -opt 0"
  say "Rhino, language version 200, interpreted (-opt -1)"
  rhino -version 200 -opt -1 tests/rhino/vectors.js "$ROOT" "rhino 200 interpreted"
  say "Rhino: every zone through the ServiceNow build, a seeded sample against zoneinfo (-opt 0)"
  node tests/rhino/run-zones.js --opt 0
  say "Rhino: a trap in the core replaces the instance, compiled (-opt 0, with the size limits plus one) and interpreted"
  rhino -version 180 -opt 0 tests/rhino/trap.js "$ROOT"
  rhino -version 180 -opt -1 tests/rhino/trap.js "$ROOT" --no-limits
  say "Rhino: the ServiceNow runner end to end over HTTP against the simulator (3 profiles, a killed transaction, two nodes)"
  node tests/rhino/run-servicenow-e2e.js --opt -1
  say "Rhino: the same, compiled at Rhino's default level (-opt 0), as ServiceNow runs it by default"
  node tests/rhino/run-servicenow-e2e.js --opt 0
  ensure_chromium
  say "Chromium + Playwright: the admin page in www/ (screenshots in out/screenshots/)"
  node --test www/test/
  say "All tests passed"
}

run_bench() {
  build
  ensure_rhino
  say "Benchmarks (numbers, not tests): export-guard vs the plain-JS baseline"
  node bench/bench.js "$@"
}

# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 enables them on the stable
# toolchain this machine has. Seeds come from the shared vectors.
run_fuzz() {
  prerequisites
  [ -f pkg/node/export_guard.js ] || build
  command -v cargo-fuzz >/dev/null 2>&1 || { say "Installing cargo-fuzz"; cargo install cargo-fuzz || die "could not install cargo-fuzz"; }
  local secs="${FUZZ_SECONDS:-300}"
  say "Seeding fuzz/corpus from tests/vectors"
  node fuzz/seed.js
  for target in api dates; do
    say "cargo fuzz run $target for ${secs}s"
    (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=4096)
  done
  say "No crash. (A crash leaves its input in fuzz/artifacts/: add it to tests/vectors/bad/.)"
}

case "${1:-build}" in
  build) build ;;
  test) run_tests ;;
  size|sizes) build ;;
  bench) shift; run_bench "$@" ;;
  fuzz) run_fuzz ;;
  zones)
    prerequisites
    ensure_python
    say "Every local day of every zone, years ${EXPORT_GUARD_SWEEP:-1800 2100}, against zoneinfo"
    cargo test --release --test zones -- --ignored --nocapture
    ;;
  demo)
    shift
    build
    say "Load run against the Genesys simulator (sim/run.js $*)"
    node sim/run.js "$@"
    ;;
  sim)
    shift
    build
    say "The Genesys simulator (Ctrl+C to stop)"
    exec node sim/server.js "$@"
    ;;
  serve)
    shift
    port="${PORT:-8080}"
    while [ $# -gt 0 ]; do
      case "$1" in
        --port) [ $# -ge 2 ] || die "--port needs a number"; port="$2"; shift 2 ;;
        --port=*) port="${1#--port=}"; shift ;;
        *) die "unknown option for serve: $1 (use --port N)" ;;
      esac
    done
    build
    say "Serving the admin page on http://127.0.0.1:$port/ (Ctrl+C to stop)"
    exec node www/serve.js --port "$port"
    ;;
  help|-h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" ;;
  *) die "unknown command '$1' (try ./build.sh help)" ;;
esac
