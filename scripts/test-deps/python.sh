# The Python package (`python/`, docs/python.md) is built with maturin into
# a venv and tested with pytest against pyarrow, polars and DuckDB
# (python/tests/pytest.rs).
# The venv sees the system's site-packages, so these are installed here.
# Sourced by scripts/setup-test-deps.

python_pip_install() {
  # A Debian python refuses pip outside a venv (PEP 668); pyenv's does not.
  python3 -m pip install --quiet "$@" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "$@"
}

if ! python3 -c 'import ensurepip' 2>/dev/null; then
  need_apt python3-venv
fi
if ! python3 -m maturin --version 2>/dev/null | grep -q '^maturin 1\.16\.0$'; then
  python_pip_install 'maturin==1.16.0'
fi
if ! python3 -c 'import pyarrow, sys; sys.exit(pyarrow.__version__ != "26.0.1")' 2>/dev/null; then
  python_pip_install 'pyarrow==26.0.1'
fi
if ! python3 -c 'import pytest' 2>/dev/null; then
  python_pip_install pytest
fi
# The same entry over a polars frame and a DuckDB result (a few seconds).
if ! python3 -c 'import polars, duckdb' 2>/dev/null; then
  python_pip_install 'polars==2.1.0' 'duckdb==2.0.0'
fi
