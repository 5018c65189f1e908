"""`python -m bench`: every benchmark, each against its stated target; non-zero exit if one misses."""

import subprocess
import sys
from pathlib import Path

BENCHMARKS = sorted(Path(__file__).parent.glob("*_bench.py"))

status = 0
for script in BENCHMARKS:
    print(f"== {script.name}")
    status |= subprocess.run([sys.executable, str(script)], check=False).returncode
sys.exit(status)
