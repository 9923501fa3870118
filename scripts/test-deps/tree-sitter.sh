# The tree-sitter CLI checks editors/tree-sitter-avtal (cli/tests/tree_sitter.rs):
# generate, the corpus and highlight tests, and a parse of every .avtal file
# of stdlib/ and examples/. Sourced by scripts/setup-test-deps.
#
# From crates.io, built once into target/tools/ (the npm package
# downloads its binary from GitHub in a postinstall step, which a closed
# network refuses). To keep CI's cost small it is built without
# optimisation or debug info (a third of the release build's time here;
# generating, testing and parsing this grammar still take seconds) and
# without its default QuickJS runtime: `tree-sitter generate` then runs
# grammar.js with node. The C compiler that `tree-sitter test` and `parse`
# need is the machine's gcc.
tree_sitter_version=0.27.1
tree_sitter_root="target/tools/tree-sitter-$tree_sitter_version"
if [ ! -x "$tree_sitter_root/bin/tree-sitter" ]; then
  echo "setup-test-deps: building tree-sitter-cli $tree_sitter_version into $tree_sitter_root" >&2
  CARGO_PROFILE_DEV_DEBUG=0 cargo install tree-sitter-cli --version "$tree_sitter_version" \
    --locked --debug --no-default-features --root "$tree_sitter_root" \
    --target-dir target/tools/build --quiet
  # The build folder is 0.9 GB that nothing reads again.
  rm -rf target/tools/build
fi
