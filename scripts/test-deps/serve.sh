# `avtal serve`'s client tests (cli/tests/serve_clients.rs): a real OpenAPI
# 3.1 validator (openapi-spec-validator, from the Python registry), curl
# for scripts/serve-e2e.sh, and javac for the Java example of docs/serve.md.
# Sourced by scripts/setup-test-deps, which defines `need_apt`.
if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
  # A Debian python3 refuses plain pip installs (PEP 668); then say so.
  python3 -m pip install --quiet 'openapi-spec-validator==0.9.0' ||
    python3 -m pip install --quiet --break-system-packages 'openapi-spec-validator==0.9.0'
fi
if ! command -v curl >/dev/null 2>&1; then
  need_apt curl
fi
if ! command -v javac >/dev/null 2>&1; then
  need_apt openjdk-17-jdk-headless
fi
