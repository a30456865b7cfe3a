#!/usr/bin/env python3
"""Compare a Python program's run under concsim with its run under CPython.

    python3 tools/pydiff/compare.py PROG.py --concsim PATH [--cores N]
    python3 tools/pydiff/compare.py --json ORACLE.json CONCSIM.json [--program NAME]

The first form runs PROG.py under the harness (vclock.py, real CPython on a
virtual clock) and under `PATH run PROG.py --format json`, then compares. The
second compares two result files already written (either side may be in either
shape, see normalize()).

Compared, as the rules say (tools/pydiff/README.md): status, end_time_ns, every
output line's (t_ns, task, stream, text), the result, and the exception's type,
message and the (file, line, function) of the traceback frames in the program's
own file. Prints a line-by-line diff of what differs; exit 0 when the runs
agree, 1 when they differ, 2 on bad usage or unreadable results.
"""

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VCLOCK = os.path.join(HERE, "vclock.py")


class BadResult(Exception):
    """A result file that is not a run's result: exit 2."""


def normalize(doc, program=None):
    """The compared part of a result, from either side's JSON.

    The harness writes result and exception at the top level (and the
    program's file name as "program"); concsim writes them under "python".
    `program` (a file's basename) selects the traceback frames that count;
    when None, the document's own "program" is used, else every frame counts.
    """
    if not isinstance(doc, dict):
        raise BadResult("the result is not a JSON object")
    for key in ("status", "end_time_ns", "output"):
        if key not in doc:
            raise BadResult("the result has no %r" % key)
    py = doc.get("python") if isinstance(doc.get("python"), dict) else doc
    program = program or doc.get("program")
    output = []
    for i, line in enumerate(doc["output"]):
        try:
            output.append((int(line["t_ns"]), str(line["task"]), str(line["stream"]),
                           str(line["text"])))
        except (KeyError, TypeError, ValueError):
            raise BadResult("output[%d] is not {t_ns, task, stream, text}" % i)
    exc = py.get("exception")
    if exc is not None:
        frames = [(os.path.basename(str(f.get("file"))), f.get("line"), f.get("function"))
                  for f in exc.get("traceback", [])]
        if program is not None:
            frames = [f for f in frames if f[0] == program]
        exc = {"type": exc.get("type"), "message": exc.get("message"), "frames": frames}
    return {
        "status": doc["status"],
        "end_time_ns": doc["end_time_ns"],
        "output": output,
        "result": py.get("result"),
        "exception": exc,
    }


def format_line(line):
    t_ns, task, stream, text = line
    return "%s  %-12s %-6s %s" % (format_time(t_ns), task, stream, text)


def format_time(t_ns):
    """Virtual time as seconds with all nine decimals: exact and sortable by eye."""
    return "%d.%09ds" % divmod(t_ns, 1_000_000_000)


def diff(a, b, a_name="cpython", b_name="concsim"):
    """The differences between two normalized results, as lines of text
    (empty when they agree)."""
    out = []
    for key in ("status", "end_time_ns", "result"):
        if a[key] != b[key]:
            va, vb = a[key], b[key]
            if key == "end_time_ns":
                va, vb = "%s (%s ns)" % (format_time(va), va), "%s (%s ns)" % (format_time(vb), vb)
            out.append("%s differs:" % key)
            out.append("  %-8s %s" % (a_name, va))
            out.append("  %-8s %s" % (b_name, vb))
    if a["exception"] != b["exception"]:
        out.append("exception differs:")
        for name, e in ((a_name, a["exception"]), (b_name, b["exception"])):
            if e is None:
                out.append("  %-8s none" % name)
                continue
            out.append("  %-8s %s: %s" % (name, e["type"], e["message"]))
            for f in e["frames"]:
                out.append("  %-8s   %s:%s in %s" % ("", f[0], f[1], f[2]))
    if a["output"] != b["output"]:
        out.append("output differs (--- %s, +++ %s; time, task, stream, text):" % (a_name, b_name))
        la = [format_line(x) for x in a["output"]]
        lb = [format_line(x) for x in b["output"]]
        for line in difflib.unified_diff(la, lb, a_name, b_name, lineterm="", n=2):
            out.append("  " + line)
    return out


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise BadResult("%s: %s" % (path, e.strerror))
    except ValueError as e:
        raise BadResult("%s: not JSON: %s" % (path, e))


def run_harness(program, cores):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "oracle.json")
        proc = subprocess.run([sys.executable, VCLOCK, program, "--cores", str(cores),
                               "--json", out], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONHASHSEED="0"))
        if proc.returncode not in (0, 1) or not os.path.exists(out):
            raise BadResult("the harness failed on %s (exit %d): %s"
                            % (program, proc.returncode, proc.stderr.strip()))
        return load(out)


def run_concsim(concsim, program):
    proc = subprocess.run([concsim, "run", program, "--format", "json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        raise BadResult("concsim failed on %s (exit %d): %s"
                        % (program, proc.returncode, proc.stderr.strip()))
    try:
        return json.loads(proc.stdout)
    except ValueError as e:
        raise BadResult("concsim's output for %s is not JSON: %s" % (program, e))


def main(argv):
    ap = argparse.ArgumentParser(
        prog="compare.py",
        description="Compare a program's run under concsim with real CPython on a virtual clock.")
    ap.add_argument("program", nargs="?", help="the Python program to run on both sides")
    ap.add_argument("--concsim", metavar="PATH", help="the concsim executable")
    ap.add_argument("--cores", type=int, default=4,
                    help="cores of the modelled machine for the harness (default 4: ideal)")
    ap.add_argument("--json", nargs=2, metavar=("ORACLE", "CONCSIM"),
                    help="compare two result files instead of running anything")
    ap.add_argument("--program", metavar="NAME",
                    help="with --json: the program's file name, whose traceback frames count")
    args = ap.parse_args(argv)
    try:
        if args.json:
            a, b = load(args.json[0]), load(args.json[1])
            program = args.program
            label = args.json[1]
        else:
            if not args.program or not args.concsim:
                ap.error("give PROG.py and --concsim PATH, or --json ORACLE CONCSIM")
            a = run_harness(args.program, args.cores)
            b = run_concsim(args.concsim, args.program)
            program = os.path.basename(args.program)
            label = args.program
        if program is None:
            program = a.get("program")
        lines = diff(normalize(a, program), normalize(b, program))
    except BadResult as e:
        print("compare.py: %s" % e, file=sys.stderr)
        return 2
    if lines:
        print("%s: DIFFERENT" % label)
        for line in lines:
            print(line)
        return 1
    print("%s: same" % label)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
