#!/usr/bin/env python3
"""The comparison of tools/pydiff/compare.py, on result documents written here."""

import copy
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "pydiff"))
import compare  # noqa: E402

ORACLE = {
    "status": "failed",
    "end_time_ns": 1500000000,
    "output": [
        {"t_ns": 0, "task": "Task-2", "stream": "stdout", "text": "start"},
        {"t_ns": 1000000000, "task": "Task-2", "stream": "stdout", "text": "one"},
        {"t_ns": 1500000000, "task": "Task-1", "stream": "stderr", "text": "two"},
    ],
    "result": "[1, 2]",
    "exception": {"type": "ValueError", "message": "bad", "traceback": [
        {"file": "prog.py", "line": 9, "function": "<module>"},
        {"file": "runners.py", "line": 190, "function": "run"},
        {"file": "prog.py", "line": 4, "function": "main"},
    ]},
    "program": "prog.py",
}


def concsim_shape(doc):
    """The same run as concsim writes it: result and exception under "python",
    its own frames only, and keys the comparison ignores."""
    exc = copy.deepcopy(doc["exception"])
    exc["traceback"] = [f for f in exc["traceback"] if f["file"] == "prog.py"]
    return {"concsim_version": "0.1.0", "status": doc["status"],
            "end_time_ns": doc["end_time_ns"], "output": copy.deepcopy(doc["output"]),
            "events_processed": 42,
            "python": {"result": doc["result"], "exception": exc}}


def diff(a, b, program="prog.py"):
    return compare.diff(compare.normalize(a, program), compare.normalize(b, program))


class Compare(unittest.TestCase):
    def test_the_same_run_in_both_shapes_agrees(self):
        self.assertEqual(diff(ORACLE, concsim_shape(ORACLE)), [])

    def test_frames_outside_the_program_do_not_count(self):
        other = concsim_shape(ORACLE)
        other["python"]["exception"]["traceback"].insert(
            1, {"file": "event_loop.cc", "line": 1, "function": "run"})
        self.assertEqual(diff(ORACLE, other), [])

    def test_a_frame_of_the_program_counts(self):
        other = concsim_shape(ORACLE)
        other["python"]["exception"]["traceback"][1]["line"] = 5
        lines = diff(ORACLE, other)
        self.assertEqual(lines[0], "exception differs:")
        self.assertIn("prog.py:5 in main", "\n".join(lines))

    def test_each_field_of_an_output_line_counts(self):
        for field, value in (("t_ns", 1000000001), ("task", "Task-3"),
                             ("stream", "stderr"), ("text", "One")):
            other = concsim_shape(ORACLE)
            other["output"][1][field] = value
            lines = diff(ORACLE, other)
            self.assertTrue(lines and lines[0].startswith("output differs"), field)
            text = "\n".join(lines)
            self.assertIn("-1.000000000s  Task-2       stdout one", text)
            self.assertIn("+", text)

    def test_a_missing_line_is_shown_as_removed(self):
        other = concsim_shape(ORACLE)
        del other["output"][2]
        text = "\n".join(diff(ORACLE, other))
        self.assertIn("-1.500000000s  Task-1       stderr two", text)

    def test_status_end_time_and_result(self):
        other = concsim_shape(ORACLE)
        other["status"] = "completed"
        other["end_time_ns"] = 1500000001
        other["python"]["result"] = "[1, 3]"
        lines = diff(ORACLE, other)
        self.assertEqual([l for l in lines if l.endswith("differs:")],
                         ["status differs:", "end_time_ns differs:", "result differs:"])
        self.assertIn("  concsim  1.500000001s (1500000001 ns)", lines)

    def test_exception_on_one_side_only(self):
        other = concsim_shape(ORACLE)
        other["python"]["exception"] = None
        self.assertIn("  concsim  none", diff(ORACLE, other))

    def test_main_exit_codes(self):
        with tempfile.TemporaryDirectory() as tmp:
            a = os.path.join(tmp, "a.json")
            b = os.path.join(tmp, "b.json")
            bad = os.path.join(tmp, "bad.json")
            with open(a, "w") as f:
                json.dump(ORACLE, f)
            with open(b, "w") as f:
                json.dump(concsim_shape(ORACLE), f)
            with open(bad, "w") as f:
                f.write("{not json")
            out = io.StringIO()
            with redirect_stdout(out):
                self.assertEqual(compare.main(["--json", a, b]), 0)
            self.assertIn("same", out.getvalue())
            changed = concsim_shape(ORACLE)
            changed["output"][0]["text"] = "begin"
            with open(b, "w") as f:
                json.dump(changed, f)
            out = io.StringIO()
            with redirect_stdout(out):
                self.assertEqual(compare.main(["--json", a, b]), 1)
            self.assertIn("DIFFERENT", out.getvalue())
            err = io.StringIO()
            with redirect_stderr(err):
                self.assertEqual(compare.main(["--json", a, bad]), 2)
                self.assertEqual(compare.main(["--json", a, os.path.join(tmp, "none.json")]), 2)
            self.assertIn("not JSON", err.getvalue())

    def test_stderr_traceback_frames_of_other_files_do_not_count(self):
        def err(text):
            return {"t_ns": 5, "task": "worker", "stream": "stderr", "text": text}
        head = [err("Exception in thread worker:"), err("Traceback (most recent call last):")]
        tail = [err('  File "/home/me/prog.py", line 3, in work'), err("    raise ValueError('x')"),
                err("ValueError: x")]
        cpython = copy.deepcopy(ORACLE)
        cpython["output"] += head + [
            err('  File "/usr/lib/python3.11/threading.py", line 1038, in _bootstrap_inner'),
            err("    self.run()")] + tail
        concsim = concsim_shape(ORACLE)
        concsim["output"] += head + [err('  File "threading.py", line 621, in _bootstrap_inner')] + tail
        self.assertEqual(diff(cpython, concsim), [])
        # The program's own frames and everything else on stderr still count.
        changed = copy.deepcopy(concsim)
        changed["output"][-3]["text"] = '  File "/home/me/prog.py", line 4, in work'
        self.assertNotEqual(diff(cpython, changed), [])
        # A line indented like source after a frame of the program is kept.
        self.assertEqual(len(compare.normalize(cpython, "prog.py")["output"]), len(ORACLE["output"]) + 5)

    def test_a_document_that_is_not_a_result(self):
        with self.assertRaises(compare.BadResult):
            compare.normalize({"status": "completed"})
        with self.assertRaises(compare.BadResult):
            compare.normalize({"status": "completed", "end_time_ns": 0, "output": [{"t_ns": 0}]})


if __name__ == "__main__":
    unittest.main()
