#!/usr/bin/env python3
"""How concsim's VM instruction count tracks CPython's bytecode count.

For each program (without imports, so that both count the program's own
code and nothing else): CPython executes it under sys.settrace with
f_trace_opcodes and counts the bytecodes of every frame; concsim runs it on
the event loop with a machine profile whose python.op_cost is 1 ns and
nothing else, so that its end time in ns is the instructions it executed.
Prints one line per program and the total ratio (concsim / CPython).

    python3 tools/python/op_ratio.py --concsim build/app/concsim \\
        tests/python/corpus/lang_*.py
"""
import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opcount import count_bytecodes  # noqa: E402

PROFILE = """name: op-count
extends: ideal
python:
  op_cost: {value: 1ns, source: "a count: one ns per instruction"}
"""


def cpython_ops(path):
    with open(path, encoding="utf-8") as f:
        code = compile(f.read(), path, "exec")
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        n, _ = count_bytecodes(exec, code, {"__name__": "__main__"})
    return n


def concsim_ops(binary, profile, path):
    out = subprocess.run([binary, "run", path, "--machine", profile, "--format", "json"],
                         capture_output=True, text=True, check=False)
    return json.loads(out.stdout)["end_time_ns"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concsim", required=True)
    ap.add_argument("programs", nargs="+")
    args = ap.parse_args()
    total_c = total_v = 0
    with tempfile.TemporaryDirectory() as d:
        profile = os.path.join(d, "op-count.yaml")
        with open(profile, "w", encoding="utf-8") as f:
            f.write(PROFILE)
        for p in args.programs:
            with open(p, encoding="utf-8") as f:
                if any(line.startswith(("import ", "from ")) for line in f):
                    continue
            c = cpython_ops(p)
            v = concsim_ops(args.concsim, profile, p)
            total_c += c
            total_v += v
            print(f"{os.path.basename(p):32} cpython {c:7} concsim {v:7} ratio {v / c:.3f}")
    print(f"{'total':32} cpython {total_c:7} concsim {total_v:7} ratio {total_v / total_c:.3f}")


if __name__ == "__main__":
    main()
