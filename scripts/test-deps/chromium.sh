# Chromium renders the HTML report of `avtal diff` (cli/tests/diff_html.rs).
# Sourced by scripts/setup-test-deps, which defines `need_apt`.
if [ ! -x /usr/bin/chromium ]; then
  need_apt chromium
fi
