"""Run a command and read its standard output to the end, doing nothing else.

    python bench/_drain.py git log -z ...

The cheapest reader of `git log` that Python can be: no imports beyond the few it
needs, one read of up to 1 MiB at a time, the bytes thrown away. `bench_check.py`
times it, run by reviewgate's own interpreter, as the floor of any Python reader of
the pipe: what reading costs before a single commit is parsed.
"""

import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    process = subprocess.Popen(argv, stdout=subprocess.PIPE)
    assert process.stdout is not None
    fd = process.stdout.fileno()
    while os.read(fd, 1 << 20):
        pass
    return process.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
