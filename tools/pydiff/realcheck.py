#!/usr/bin/env python3
"""Check the harness against CPython on the real clock.

    python3 tools/pydiff/realcheck.py [--jobs N] [PROG.py ...]

Runs each program under plain CPython (tools/python on PYTHONPATH, real time,
real threads) and under the harness, and compares the programs' stdout line by
line: same lines, same order. A real run takes the program's virtual duration
in wall-clock time (the whole corpus: about three minutes with --jobs 8), and
its order can differ where two events fall within the machine's timing noise,
so this is a tool for changing the harness, not a test of the suite. Times
printed by the programs are rounded (to 0.1 s or 0.01 s) so that they match.

Exit 0 when every program agrees, 1 otherwise.
"""

import argparse
import concurrent.futures
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "python", "corpus")
LECTURES = os.path.join(ROOT, "configs", "lectures")
VCLOCK = os.path.join(HERE, "vclock.py")
MODULES = os.path.join(ROOT, "tools", "python")


def stalls(path):
    with open(path, encoding="utf-8") as f:
        return "# status: stalled" in f.read(2000)


def one(path):
    name = os.path.basename(path)
    if stalls(path):
        return True, "%s: skipped (a stalled program never ends on the real clock)" % name
    env = dict(os.environ, PYTHONPATH=MODULES, PYTHONHASHSEED="0")
    real = subprocess.run([sys.executable, path], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, env=env,
                          cwd=os.path.dirname(path), timeout=120)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "h.json")
        subprocess.run([sys.executable, VCLOCK, path, "--json", out],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
    virtual = [o["text"] for o in doc["output"] if o["stream"] == "stdout"]
    actual = real.stdout.split("\n")
    if actual and actual[-1] == "":
        actual.pop()
    if virtual == actual:
        return True, "%s: same %d lines" % (name, len(actual))
    lines = ["%s: DIFFERENT" % name]
    for i in range(max(len(virtual), len(actual))):
        v = virtual[i] if i < len(virtual) else "<none>"
        a = actual[i] if i < len(actual) else "<none>"
        if v != a:
            lines.append("  line %d: harness %r, real %r" % (i + 1, v, a))
    return False, "\n".join(lines)


def main(argv):
    ap = argparse.ArgumentParser(prog="realcheck.py", description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("programs", nargs="*")
    args = ap.parse_args(argv)
    # The lectures' threads_*.py are the threaded code for --model threads,
    # outside the corpus (tests/python/check_listed.py).
    programs = args.programs or (sorted(glob.glob(os.path.join(CORPUS, "*.py")))
                                 + [p for p in sorted(glob.glob(os.path.join(LECTURES, "*.py")))
                                    if not os.path.basename(p).startswith("threads_")])
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for ok, msg in pool.map(one, programs):
            bad += not ok
            print(msg, flush=True)
    print("%d of %d programs print the same lines in the same order" % (len(programs) - bad,
                                                                        len(programs)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
