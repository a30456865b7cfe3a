#!/usr/bin/env python3
"""The step language against asyncio itself, through `concsim lower`.

    python3 tests/python/test_lowering.py --concsim PATH [--set K=V]... WORKLOAD.yaml...

Each workload of YAML steps is lowered to the Python program it stands for
(models/program/lower.h) and run three ways:

1. Two engines, one program. The YAML under the step interpreter
   (`concsim run W.yaml`) and `concsim lower --exact W.yaml` under the VM and
   the VM's asyncio (`concsim run W.py`, and `concsim run W.yaml --set
   engine=python`, which must agree with it), on the workload's model and machine
   (with Python code free: op_cost 0, as the step interpreter runs no Python):
   the same status, logged lines (time, task, text) and main result (or
   exception), exactly; and the same end time on `ideal`. On a machine with
   loop costs the VM ends later by asyncio.run's last iterations, which the
   step interpreter does not run (it stops when main ends).
2. The real thing. `concsim lower W.yaml` (float seconds, as a person writes
   them) under concsim and under CPython 3.11 on the virtual clock
   (tools/pydiff/compare.py): the same, exactly, as the differential corpus
   requires.

A workload whose durations are random draws runs both engines on different
streams (lower.h says why): for it, only that the lowered program runs to the
same status is checked, and the comparison with CPython is left out (CPython
draws from Python's own `random`).

Exit 0 when every workload agrees, 1 otherwise (each difference printed),
2 on bad usage.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
COMPARE = os.path.join(ROOT, "tools", "pydiff", "compare.py")
RANDOM = ("exponential", "uniform", "normal", "lognormal", "empirical")


def run_json(args):
    p = subprocess.run(args, capture_output=True, text=True)
    try:
        return json.loads(p.stdout), p
    except json.JSONDecodeError:
        return None, p


def logged(doc):
    """(t_ns, task, text) of each line a run printed or logged."""
    if "output" in doc:
        return [(o["t_ns"], o["task"], o["text"]) for o in doc["output"]]
    return [(t["t_ns"], t["task"], t["event"][len("log: "):])
            for t in doc["trace"] if t["event"].startswith("log: ")]


def first_difference(a, b):
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            return "line %d: yaml %s, python %s" % (i + 1, x, y)
    return None


def free_python_machine(tmp, machine):
    """A profile that is `machine` with Python code free (op_cost 0)."""
    path = os.path.join(tmp, "machine-%s.yaml" % machine.replace("/", "_"))
    with open(path, "w", encoding="utf-8") as f:
        f.write("extends: %s\npython:\n  op_cost: 0\n" % machine)
    return path


def outcome(doc):
    """completed, failed, stalled, ...: a YAML run whose main raised is
    `completed` with main failed; a Python run says `failed`."""
    if "python" not in doc and doc.get("main", {}).get("state") == "failed":
        return "failed"
    return doc["status"]


def result(doc):
    """What main returned, or the exception it raised, as the step language
    prints it: Type('message')."""
    if "python" not in doc:
        return doc["main"].get("result")
    exc = doc["python"].get("exception")
    if exc:
        return "%s('%s')" % (exc["type"], exc["message"])
    return doc["python"].get("result")


def compare_engines(yaml_doc, py_doc, exact_end):
    problems = []
    if outcome(yaml_doc) != outcome(py_doc):
        problems.append("status: yaml %s, python %s" % (outcome(yaml_doc), outcome(py_doc)))
    d = first_difference(logged(yaml_doc), logged(py_doc))
    if d:
        problems.append(d)
    if result(yaml_doc) != result(py_doc):
        problems.append("main's result: yaml %r, python %r" % (result(yaml_doc), result(py_doc)))
    y, p = yaml_doc["end_time_ns"], py_doc["end_time_ns"]
    if exact_end and y != p:
        problems.append("end time: yaml %d ns, python %d ns" % (y, p))
    if not exact_end and p < y:
        problems.append("end time: python %d ns, before yaml's %d ns" % (p, y))
    return problems


def check(concsim, workload, tmp, sets):
    """The differences found for one workload (empty: it agrees), with the
    overrides `sets` (["--set", "K=V", ...]) applied to the YAML."""
    name = os.path.splitext(os.path.basename(workload))[0]
    yaml_doc, p = run_json([concsim, "run", workload, "--format", "json"] + sets)
    if yaml_doc is None:
        return ["the YAML run wrote no JSON: " + p.stderr.strip()[-300:]]
    if yaml_doc.get("trace_truncated"):
        return ["the YAML run's trace is truncated: its logged lines cannot be compared"]

    exact = os.path.join(tmp, name + "_exact.py")
    p = subprocess.run([concsim, "lower", "--exact", workload, "--out", exact] + sets, capture_output=True, text=True)
    if p.returncode != 0:
        return ["concsim lower --exact failed: " + p.stderr.strip()]
    with open(exact, encoding="utf-8") as f:
        imports = next((line for line in f if line.startswith("from concsim import ")), "")
    random = any(name in imports.split() or name + "," in imports.split() for name in RANDOM)
    model, machine, seed = yaml_doc["model"], yaml_doc["machine"], str(yaml_doc["seed"])
    py_doc, p = run_json([concsim, "run", exact, "--format", "json", "--model", model, "--seed", seed,
                          "--machine", machine if machine == "ideal" else free_python_machine(tmp, machine)])
    if py_doc is None:
        return ["the lowered program wrote no JSON: " + p.stderr.strip()[-300:]]
    # `engine: python` runs the same lowering from the workload itself.
    engine_doc, p = run_json([concsim, "run", workload, "--format", "json", "--set", "engine=python", "--seed", seed,
                              "--machine", machine if machine == "ideal" else free_python_machine(tmp, machine)]
                             + sets)
    if engine_doc is None:
        return ["the run with engine: python wrote no JSON: " + p.stderr.strip()[-300:]]
    for key in ("status", "end_time_ns", "output"):
        if engine_doc.get(key) != py_doc.get(key):
            return ["engine: python and the lowered file differ in %s" % key]
    if random:
        if outcome(yaml_doc) != outcome(py_doc):
            return ["status: yaml %s, python %s" % (outcome(yaml_doc), outcome(py_doc))]
        return []

    # On the workload's machine: everything but the end time, which the VM
    # reaches after asyncio.run's last loop iterations (it cancels what is
    # left, closes the async generators, shuts the default executor down:
    # each iteration a select() on a machine with loop costs); the step
    # interpreter stops when main ends.
    problems = compare_engines(yaml_doc, py_doc, exact_end=machine == "ideal")
    if machine != "ideal":
        yaml_ideal, _ = run_json([concsim, "run", workload, "--format", "json", "--machine", "ideal"] + sets)
        py_ideal, _ = run_json([concsim, "run", exact, "--format", "json", "--model", model, "--seed", seed,
                                "--machine", "ideal"])
        if yaml_ideal is None or py_ideal is None:
            problems.append("a run on the ideal machine wrote no JSON")
        else:
            problems += ["on ideal: " + x for x in compare_engines(yaml_ideal, py_ideal, exact_end=True)]

    floats = os.path.join(tmp, name + ".py")
    p = subprocess.run([concsim, "lower", workload, "--out", floats] + sets, capture_output=True, text=True)
    if p.returncode != 0:
        problems.append("concsim lower failed: " + p.stderr.strip())
    else:
        p = subprocess.run([sys.executable, COMPARE, floats, "--concsim", concsim],
                           capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
        if p.returncode != 0:
            problems.append("against CPython:\n" + (p.stdout + p.stderr).strip())
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--concsim", required=True)
    ap.add_argument("--set", action="append", default=[], metavar="K=V",
                    help="an override of the workloads (a smaller size, to keep the trace whole)")
    ap.add_argument("workloads", nargs="+")
    args = ap.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for w in args.workloads:
            sets = [x for kv in args.set for x in ("--set", kv)]
            problems = check(args.concsim, w, tmp, sets)
            print("%s: %s" % (w, "agrees" if not problems else "DIFFERS"))
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
            failed += bool(problems)
    print("%d of %d workloads agree" % (len(args.workloads) - failed, len(args.workloads)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
