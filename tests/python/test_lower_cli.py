#!/usr/bin/env python3
"""`concsim lower` at its edges: what it refuses, and where it writes.

    python3 tests/python/test_lower_cli.py --concsim PATH
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CONCSIM = None


def lower(*args):
    return subprocess.run([CONCSIM, "lower"] + list(args), capture_output=True, text=True, cwd=ROOT)


class LowerCli(unittest.TestCase):
    def test_a_server_workload_is_refused_at_its_server_section(self):
        p = lower("configs/default.yaml")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, "")
        with open(os.path.join(ROOT, "configs", "default.yaml"), encoding="utf-8") as f:
            line = next(i for i, text in enumerate(f, 1) if text.startswith("server:"))
        # file:line:col: key: message, at the server section's first key.
        self.assertRegex(p.stderr, r"^configs/default\.yaml:%d:\d+: server: a server workload's connection loop "
                                   r"cannot be lowered" % (line + 1))

    def test_a_python_workload_has_nothing_to_lower(self):
        p = lower("configs/lectures/gather.py")
        self.assertEqual(p.returncode, 2)
        self.assertIn("already Python", p.stderr)

    def test_out_writes_the_same_program_as_stdout(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "g.py")
            p = lower("configs/lectures/gather.yaml", "--out", out)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout, "")
            with open(out, encoding="utf-8") as f:
                self.assertEqual(f.read(), lower("configs/lectures/gather.yaml").stdout)

    def test_exact_writes_nanoseconds_and_plain_writes_seconds(self):
        plain = lower("configs/lectures/gather.yaml").stdout
        exact = lower("configs/lectures/gather.yaml", "--exact").stdout
        # gather.yaml sleeps $delay, 1.0s for A: a Duration either way, slept
        # as seconds or as exact nanoseconds.
        self.assertIn("await asyncio.sleep(_sec(delay))", plain)
        self.assertIn("await asyncio.sleep(_exact(delay))", exact)
        self.assertIn("delay=Duration(1000000000)", plain)

    def test_set_applies_before_lowering(self):
        p = lower("configs/lectures/gather.yaml", "--set", "main.0.gather.tasks.0.args.delay=2s")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("delay=Duration(2000000000)", p.stdout)


    def test_engine_python_is_refused_where_nothing_can_be_lowered(self):
        run = lambda *a: subprocess.run([CONCSIM, "run"] + list(a), capture_output=True, text=True, cwd=ROOT)
        p = run("configs/default.yaml", "--set", "engine=python")
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"^--set:1:\d+: engine: a server workload's connection loop is not lowered")
        p = run("configs/lectures/gather.yaml", "--set", "engine=python", "--model", "pool")
        self.assertEqual(p.returncode, 2)
        self.assertIn("engine: engine python runs under model async or threads", p.stderr)
        p = run("configs/lectures/gather.yaml", "--set", "engine=fast")
        self.assertEqual(p.returncode, 2)
        self.assertIn("engine", p.stderr)

    def test_engine_python_runs_the_lowered_program(self):
        p = subprocess.run([CONCSIM, "run", "configs/lectures/gather.yaml", "--set", "engine=python", "--format",
                            "json"], capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(p.returncode, 0, p.stderr)
        # A Python run: its printed lines are the output, from the YAML's task names.
        doc = json.loads(p.stdout)
        self.assertEqual(doc["output"][0], {"t_ns": 0, "task": "A", "stream": "stdout", "text": "Starting fetch A"})
        self.assertEqual(doc["end_time_ns"], 1000000000)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--concsim", required=True)
    args, rest = ap.parse_known_args()
    CONCSIM = os.path.abspath(args.concsim)
    unittest.main(argv=[sys.argv[0]] + rest)
