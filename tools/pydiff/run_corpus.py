#!/usr/bin/env python3
"""Run the differential corpus (tests/python/corpus/*.py and the lecture
library's configs/lectures/*.py), in parallel.

    python3 tools/pydiff/run_corpus.py --check [PROG.py ...]
        Each program under the harness twice: the two result files must be
        byte-identical and the status must be the one its header declares
        (`# status: completed|failed|stalled`). This is what ctest runs.

    python3 tools/pydiff/run_corpus.py --concsim PATH [PROG.py ...]
        Each program under the harness and under `PATH run PROG.py --format
        json` (tools/pydiff/compare.py); prints each difference and a summary.

Without programs, every .py of tests/python/corpus/ and configs/lectures/ (but
the lectures' threads_*.py).
--jobs N runs N at once (default: the number of processors). Exit 0 when
every program passes, 1 otherwise, 2 on bad usage.
"""

import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "python", "corpus")
LECTURES = os.path.join(ROOT, "configs", "lectures")
VCLOCK = os.path.join(HERE, "vclock.py")
COMPARE = os.path.join(HERE, "compare.py")

# vclock.py runs with PYTHONHASHSEED=0 (it re-executes itself otherwise).
HARNESS_ENV = dict(os.environ, PYTHONHASHSEED="0")

STATUS_RE = re.compile(r"^# status: (completed|failed|stalled)\s*$", re.M)


def declared_status(path):
    with open(path, encoding="utf-8") as f:
        head = f.read(2000)
    m = STATUS_RE.search(head)
    return m.group(1) if m else None


def run_harness(path, out):
    return subprocess.run([sys.executable, VCLOCK, path, "--json", out],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=HARNESS_ENV)


def check(path):
    """(ok, message) for one program: deterministic and with its declared status."""
    import json
    name = os.path.basename(path)
    want = declared_status(path)
    if want is None:
        return False, "%s: no '# status: completed|failed|stalled' line in its header" % name
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for i in range(2):
            out = os.path.join(tmp, "run%d.json" % i)
            proc = run_harness(path, out)
            if proc.returncode not in (0, 1) or not os.path.exists(out):
                return False, "%s: the harness failed (exit %d): %s" % (
                    name, proc.returncode, proc.stderr.strip())
            with open(out, "rb") as f:
                outs.append(f.read())
        if outs[0] != outs[1]:
            return False, "%s: two runs gave different results" % name
        got = json.loads(outs[0])["status"]
        if got != want:
            detail = json.loads(outs[0]).get("exception") or json.loads(outs[0]).get("detail")
            return False, "%s: status %s, its header says %s (%s)" % (name, got, want, detail)
    return True, "%s: ok (%s)" % (name, want)


def compare(path, concsim):
    proc = subprocess.run([sys.executable, COMPARE, path, "--concsim", concsim],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.returncode == 0, proc.stdout.rstrip()


def main(argv):
    ap = argparse.ArgumentParser(prog="run_corpus.py", description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true",
                      help="determinism and declared status under the harness")
    mode.add_argument("--concsim", metavar="PATH", help="compare with this concsim executable")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("programs", nargs="*")
    args = ap.parse_args(argv)
    # The lectures' threads_*.py are the threaded code for --model threads,
    # outside the corpus (tests/python/check_listed.py).
    programs = args.programs or (sorted(glob.glob(os.path.join(CORPUS, "*.py")))
                                 + [p for p in sorted(glob.glob(os.path.join(LECTURES, "*.py")))
                                    if not os.path.basename(p).startswith("threads_")])
    if not programs:
        print("run_corpus.py: no programs", file=sys.stderr)
        return 2
    if args.concsim and not os.access(args.concsim, os.X_OK):
        print("run_corpus.py: %s is not an executable" % args.concsim, file=sys.stderr)
        return 2
    if args.check:
        job = check
    else:
        def job(p):
            return compare(p, args.concsim)
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for ok, message in pool.map(job, programs):
            if not ok:
                failed += 1
            if not ok or len(programs) == 1:
                print(message)
    print("%d of %d programs %s" % (len(programs) - failed, len(programs),
                                    "pass" if args.check else "agree"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
