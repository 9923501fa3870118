# html-validate (npm, pinned in cli/tests/doc-tools/package-lock.json)
# validates every page `avtal doc` writes (cli/tests/doc_site.rs); the
# pages are rendered and printed by the Chromium of chromium.sh.
# Sourced by scripts/setup-test-deps. Installed into the project, not
# globally; nothing is done when it is there.
if [ ! -x cli/tests/doc-tools/node_modules/.bin/html-validate ]; then
  echo "setup-test-deps: installing html-validate into cli/tests/doc-tools" >&2
  (cd cli/tests/doc-tools && npm ci --no-audit --no-fund --loglevel=error)
fi
