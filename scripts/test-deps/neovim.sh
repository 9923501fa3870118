# Neovim (the distribution's, 0.7.2 on Debian 12) replays a drafter's
# session against `avtal lsp` with the configuration in editors/nvim
# (cli/tests/nvim_replay.rs). Sourced by scripts/setup-test-deps, which
# defines `need_apt`.
if ! command -v nvim >/dev/null 2>&1; then
  need_apt neovim
fi
