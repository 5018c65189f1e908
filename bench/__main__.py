"""`python -m bench`: the classroom load test (load.py), ending with its JSON line; exits 0 whatever it finds.

`python -m bench micro`: the older benchmarks of one request or one command (*_bench.py), each against its
stated target; non-zero exit if one misses.
`python -m bench profile ENDPOINT`: py-spy's view of the server under one endpoint (profile.py).
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


command, arguments = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("load", [])
if command == "micro" and not arguments:
    sys.exit(micro())
elif command == "profile":
    from bench import profile

    sys.exit(profile.main(arguments))
elif command == "load" and not arguments:
    from bench import load

    sys.exit(load.main())
else:
    sys.exit(__doc__)
