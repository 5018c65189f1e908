"""`python -m bench`: the classroom load test (load.py), ending with its JSON line; exits 0 whatever it finds.

`python -m bench micro`: the older benchmarks of one request or one command (*_bench.py), each against its
stated target; non-zero exit if one misses.
"""

import subprocess
import sys
from pathlib import Path


def micro() -> int:
    status = 0
    for script in sorted(Path(__file__).parent.glob("*_bench.py")):
        print(f"== {script.name}")
        status |= subprocess.run([sys.executable, str(script)], check=False).returncode
    return status


if sys.argv[1:] == ["micro"]:
    sys.exit(micro())
elif sys.argv[1:]:
    sys.exit(f"usage: python -m bench [micro]\n{__doc__}")
else:
    from bench import load

    sys.exit(load.main())
