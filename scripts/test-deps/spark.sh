# PySpark for the Spark example's test (python/tests/dataframes.rs,
# examples/dataframes/spark_w1.py): a local[2] session runs W1 through
# mapInArrow. pyspark is a 456 MB download (1 min 40 s to install here);
# its Arrow functions need pandas >= 2.2 (30 MB with numpy, about a minute).
# Spark 4 needs Java 17 (Debian's, when there is no `java`).
# The venv of the package's tests sees the system's site-packages, so they
# are installed here. Sourced by scripts/setup-test-deps (after python.sh,
# whose python_pip_install it uses).

if ! java -version 2>/dev/null; then
  need_apt openjdk-17-jre-headless
fi
if ! python3 -c 'import pyspark, sys; sys.exit(pyspark.__version__ != "4.3.0")' 2>/dev/null; then
  python_pip_install 'pyspark==4.3.0'
fi
if ! python3 -c 'import numpy, pandas, sys; sys.exit(pandas.__version__ != "2.3.3")' 2>/dev/null; then
  python_pip_install 'pandas==2.3.3' 'numpy==2.3.5'
fi
