"""A server whose handler is a Python function (handler: {python: FILE,
function: NAME}) against the same server with its handler in YAML steps.

The two run on different engines: the YAML handler on the step interpreter
and the event loop of models/loop/event_loop.cc, the Python one on the VM and
the event loop of models/loop/loop.cc, with the server's scaffolding written
in Python (app/load/server_python.cc). The draws line up (the scaffolding
selects the same random stream per connection and request as the YAML
server, and concsim.exponential & co. draw from it as the YAML step with that
distribution does), so every figure of the server must agree: the requests,
latencies and throughput, every task's start, end and state, memory, CPU,
the longest stall. What legitimately differs, and is asserted as such:
  - asyncio.run() of the Python program shuts down after main returns (it
    cancels what is left, then shutdown_asyncgens() and
    shutdown_default_executor(), each a task and a loop iteration): the run
    ends later than main by exactly the loop's busy time those iterations
    cost (select() calls on a machine with a poll cost; none on `ideal`);
  - the number of loop iterations and simulator events (the engines split
    the work into events differently; CPython's loop wakes a task through a
    done callback, an iteration later);
  - voluntary context switches: the old loop counts a sleep in select() for
    an I/O of zero length (a draw of normal() below zero, an arrival already
    due), the new one sees it ready without sleeping;
  - the YAML program's shared variable `connections` (a Python program has
    none), and the trace's wording.

Under --model threads and --model pool (compare_threads) the twins agree on
everything, the events and end time included, once the GIL is off; with it
on, the handlers' cpu() serialise.

Usage: test_server_handler.py --concsim PATH (from the source root).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def run(concsim, path, *args):
    p = subprocess.run([concsim, "run", path, "--format", "json", *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("%s exited %d: %s" % (path, p.returncode, p.stderr))
    return json.loads(p.stdout)


def compare(concsim, yaml_path, python_path, sleep_ns=0, args=()):
    """sleep_ns: how much later a task may end in the Python run, whose
    handler ends with asyncio.sleep(seconds): a timer at a float time
    (loop.time() + delay), which the loop reaches at the next whole
    nanosecond, as CPython's loop would (the YAML sleep is exact): a
    nanosecond or two per request, five requests per connection."""
    a = run(concsim, yaml_path, *args)
    b = run(concsim, python_path, *args)
    name = os.path.basename(python_path)
    for key in ("status", "exit_code", "main"):
        check(a[key] == b[key], "%s: %s %r != %r" % (name, key, a[key], b[key]))
    ma, mb = dict(a["metrics"]), dict(b["metrics"])
    for m in (ma, mb):
        m["cpu"] = dict(m["cpu"])
        m.pop("context_switches")
        # The shutdown iterations' select() calls (below).
        for k in ("system_ns", "system_fraction", "idle_ns", "idle_fraction"):
            m["cpu"].pop(k)
    check(ma == mb, "%s: metrics differ:\n  %s\n  %s" % (name, json.dumps(ma), json.dumps(mb)))
    check(len(a["tasks"]) == len(b["tasks"]), "%s: the task tables differ in length" % name)
    for x, y in zip(a["tasks"], b["tasks"]):
        late = y["end_ns"] - x["end_ns"]
        x, y = dict(x, end_ns=0), dict(y, end_ns=0)
        check(x == y and 0 <= late <= sleep_ns, "%s: tasks differ: %r, %r (%d ns later)" % (name, x, y, late))
    check(a["tasks_total"] == b["tasks_total"], "%s: tasks_total differs" % name)
    for k in ("longest_stall_ns", "longest_stall_task", "longest_stall_at_ns", "blocked_ns", "blocking_calls"):
        check(a["loop"].get(k) == b["loop"].get(k), "%s: loop.%s %r != %r" % (name, k, a["loop"].get(k), b["loop"].get(k)))
    # After main: asyncio.run's shutdown, whose only cost is the loop's.
    extra = b["end_time_ns"] - a["end_time_ns"]
    check(extra >= 0, "%s: the Python run ends before the YAML one" % name)
    check(extra == b["loop"]["busy_ns"] - a["loop"]["busy_ns"],
          "%s: the run ends %d ns later, but the loop was busy %d ns longer" %
          (name, extra, b["loop"]["busy_ns"] - a["loop"]["busy_ns"]))
    check(extra == b["metrics"]["cpu"]["system_ns"] - a["metrics"]["cpu"]["system_ns"],
          "%s: the extra time is not the loop's system time" % name)
    check(a["metrics"]["completed"] > 0, "%s: no request completed" % name)
    return a, b


def compare_threads(concsim, yaml_path, python_path, machine, model="threads", args=()):
    """The same twins under --model threads (a thread per connection) or
    pool (a fixed pool of threads, connections waiting in the accept
    backlog; the Python server's scaffolding is a queue and workers). With
    interpreted Python free and the GIL off (threads.gil=false; YAML
    threads have none), the two give the same JSON, events and end time
    included, but for what names the program itself: the Python run's first
    row is its main thread (MainThread, whose result is not a value), the
    YAML program's is its `main` task; the YAML program has a shared
    variable, the Python one its output and outcome."""
    a = run(concsim, yaml_path, "--model", model, "--machine", machine, "--no-trace", *args)
    b = run(concsim, python_path, "--model", model, "--machine", machine, "--set", "threads.gil=false",
            "--no-trace", *args)
    name = "%s (%s)" % (os.path.basename(python_path), model)
    check(a["model"] == b["model"] == model, "%s: not run as %s" % (name, model))
    check(b["tasks"][0]["name"] == "MainThread" and a["tasks"][0]["name"] == "main",
          "%s: first rows %r, %r" % (name, a["tasks"][0]["name"], b["tasks"][0]["name"]))
    for x in (a, b):
        for k in ("output", "python", "shared", "workload"):
            x.pop(k, None)
        x["tasks"] = [dict(t, name="", result="") if i == 0 else t for i, t in enumerate(x["tasks"])]
    for k in sorted(set(a) | set(b)):
        check(a.get(k) == b.get(k), "%s: %s differs:\n  %s\n  %s" %
              (name, k, json.dumps(a.get(k))[:400], json.dumps(b.get(k))[:400]))
    check(a["metrics"]["completed"] > 0, "%s: no request completed" % name)
    return a, b


def expect_error(concsim, text, expect, files=None):
    """A workload (text) that must be refused with exit 2 and a message
    holding every string of `expect`."""
    with tempfile.TemporaryDirectory() as d:
        for fname, content in (files or {}).items():
            with open(os.path.join(d, fname), "w") as f:
                f.write(content)
        path = os.path.join(d, "w.yaml")
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.run([concsim, "run", path], capture_output=True, text=True)
        msg = p.stderr.replace(d + os.sep, "")
        check(p.returncode == 2, "exit %d (want 2) for %s: %s" % (p.returncode, expect, msg))
        for e in expect:
            check(e in msg, "message %r lacks %r" % (msg.strip(), e))
        check(p.stdout == "", "output written for a refused workload: %r" % p.stdout)


SERVER = """name: w
connections: 2
server:
  requests: 2
  handler: {HANDLER}
"""

HANDLER_PY = """from concsim import cpu


async def handle(connection, request):
    cpu(0.001)


def sync_handle(connection, request):
    pass


async def one(connection):
    pass
"""


NATIVES_PY = """\
import asyncio
import __concsim__

async def main():
    for call in (lambda: __concsim__.next_due(0, 0, 0), lambda: __concsim__.next_think(0, 0, -5),
                 lambda: __concsim__.next_think(-1, 0, 5)):
        try:
            call()
        except Exception as e:
            print(type(e).__name__, e)

asyncio.run(main())
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--concsim", required=True)
    concsim = ap.parse_args().concsim

    # The shipped example: the default workload, its handler in Python, on
    # its machine with interpreted Python free (python.op_cost 0): YAML
    # steps cost only what they say, so only then can the twins agree.
    with tempfile.TemporaryDirectory() as d:
        free = os.path.join(d, "free-python.yaml")
        with open(free, "w") as f:
            f.write("extends: linux-modern\npython:\n  op_cost: 0ns\n")
        compare(concsim, "configs/default.yaml", "configs/python-server/server.yaml", args=("--machine", free))
        compare_threads(concsim, "configs/default.yaml", "configs/python-server/server.yaml", free)
        compare_threads(concsim, "tests/python/server/mm1.yaml", "tests/python/server/mm1_python.yaml", free)
        compare_threads(concsim, "tests/python/server/distributions.yaml",
                        "tests/python/server/distributions_python.yaml", free)
        # A pool of 50 threads for 1,000 clients that think (each connection
        # waits in the backlog, its first think time counted from its
        # opening), and for M/M/1's one connection.
        a, _ = compare_threads(concsim, "configs/default.yaml", "configs/python-server/server.yaml", free, "pool",
                               ("--set", "threads.pool=50"))
        check(sum(t["name"].startswith("worker") for t in a["tasks"]) == 50, "pool: not 50 workers")
        compare_threads(concsim, "tests/python/server/mm1.yaml", "tests/python/server/mm1_python.yaml", free, "pool")
    # With the GIL (on by default for Python), the handlers' cpu() of the
    # threads holds it: offered more work than the cores can do (200 clients
    # thinking 1 ms, 150 us of cpu per request), linux-modern's two cores
    # serve at most 2 / 150 us = 13,333 requests/s without it, and with it
    # at most one cpu() at a time: 1 / 150 us = 6,667 requests/s.
    busy = ("--model", "threads", "--connections", "200", "--set", "server.think_time=1ms", "--set",
            "server.duration=3s", "--set", "server.warmup=1s", "--set", "server.ramp=100ms", "--no-trace")
    gil = run(concsim, "configs/python-server/server.yaml", *busy)
    nogil = run(concsim, "configs/python-server/server.yaml", *busy, "--set", "threads.gil=false")
    tg, tn = gil["metrics"]["throughput_per_s"], nogil["metrics"]["throughput_per_s"]
    check(0 < tg <= 1 / 150e-6, "GIL: %.1f requests/s, above one core's 6,667" % tg)
    check(1 / 150e-6 < tn <= 2 / 150e-6, "no GIL: %.1f requests/s, not between one and two cores' worth" % tn)
    # On linux-modern itself the handler's instructions cost CPU time on
    # the loop (python.op_cost each): more busy time than the YAML twin, at
    # least one instruction per call the handler makes (five per request),
    # and every request's latency no shorter.
    a = run(concsim, "configs/default.yaml")
    b = run(concsim, "configs/python-server/server.yaml")
    cost_ps = 0  # read from the profile
    with open("configs/machines/linux-modern.yaml") as f:
        for line in f:
            if line.strip().startswith("op_cost:"):
                value = line.split("value:")[1].split(",")[0].strip()
                check(value.endswith("ns"), "linux-modern's op_cost %r is not in ns" % value)
                cost_ps = round(float(value[:-2]) * 1000)
    check(cost_ps > 0, "linux-modern charges nothing for interpreted Python")
    extra_busy = b["loop"]["busy_ns"] - a["loop"]["busy_ns"]
    requests = b["metrics"]["completed"]
    check(a["metrics"]["completed"] == requests, "op cost: the twins served different numbers of requests")
    check(extra_busy >= requests * 5 * cost_ps // 1000,
          "op cost: the Python handler's loop was busy only %d ns longer for %d requests" % (extra_busy, requests))
    check(b["metrics"]["latency_ns"]["mean"] > a["metrics"]["latency_ns"]["mean"],
          "op cost: the Python handler's requests are not slower")
    # M/M/1: Poisson arrivals, an exponential service time.
    a, _ = compare(concsim, "tests/python/server/mm1.yaml", "tests/python/server/mm1_python.yaml")
    # Utilisation 0.9: the mean response time of M/M/1 is 1 ms / (1 - 0.9).
    mean = a["metrics"]["latency_ns"]["mean"] / 1e6
    check(5 < mean < 20, "M/M/1 mean latency %.3f ms, expected about 10 ms" % mean)
    # Every distribution of the step language, drawn the same way.
    compare(concsim, "tests/python/server/distributions.yaml", "tests/python/server/distributions_python.yaml",
            sleep_ns=10)

    # --set applies to the handler's keys: another function of the file.
    base = run(concsim, "tests/python/server/mm1_python.yaml")
    p = subprocess.run([concsim, "run", "tests/python/server/mm1_python.yaml", "--set",
                        "server.handler.function=missing"], capture_output=True, text=True)
    check(p.returncode == 2 and "has no top-level function 'missing'" in p.stderr.replace('"', "'"),
          "--set server.handler.function: %s" % p.stderr)
    check(base["metrics"]["completed"] > 0, "mm1_python completed no request")

    # Errors: exit 2, the file, line and column, and the key.
    expect_error(concsim, SERVER.replace("{HANDLER}", "{python: nothere.py}"),
                 ["w.yaml:5:21", "server.handler.python", "cannot read the file", "nothere.py"])
    expect_error(concsim, SERVER.replace("{HANDLER}", "{python: h.py, function: absent}"),
                 ["w.yaml:5:", "server.handler.function", "absent"], {"h.py": HANDLER_PY})
    expect_error(concsim, SERVER.replace("{HANDLER}", "{python: h.py, function: sync_handle}"),
                 ["w.yaml:5:", "server.handler.function", "not an async function", "h.py:8"],
                 {"h.py": HANDLER_PY})
    expect_error(concsim, SERVER.replace("{HANDLER}", "{python: h.py, function: one}"),
                 ["w.yaml:5:", "cannot be called with (connection, request)"], {"h.py": HANDLER_PY})
    expect_error(concsim, SERVER.replace("{HANDLER}", "{python: h.py}"),
                 ["h.py:2:", "SyntaxError"], {"h.py": "async def handle(connection, request):\n    x = = 1\n"})
    expect_error(concsim, SERVER.replace("{HANDLER}", "{python: h.py, nonsense: 1}"),
                 ["w.yaml:5:", "nonsense"], {"h.py": HANDLER_PY})
    expect_error(concsim, "model: async+executor\n" + SERVER.replace("{HANDLER}", "{python: h.py}"),
                 ["w.yaml:6:", "server.handler", "model async, threads or pool"], {"h.py": HANDLER_PY})

    # The natives of the scaffolding say what was wrong, under both models.
    with tempfile.TemporaryDirectory() as d:
        prog = os.path.join(d, "natives.py")
        with open(prog, "w") as f:
            f.write(NATIVES_PY)
        for model in ("async", "threads"):
            out = [o["text"] for o in run(concsim, prog, "--model", model, "--no-trace")["output"]]
            check(out == ["RuntimeError concsim: next_due() before start() of connection 0",
                          "IndexError concsim: the server has no distribution 4",
                          "IndexError concsim: no connection -1"], "__concsim__ errors (%s): %r" % (model, out))

    # The same handler under CPython, with tools/python's concsim module
    # (distributions from Python's random): it runs and takes about the time
    # its draws say.
    env = dict(os.environ, PYTHONPATH="tools/python")
    p = subprocess.run([sys.executable, "tests/python/server/distributions.py"], env=env,
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "distributions.py under CPython: %s" % p.stderr)

    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
