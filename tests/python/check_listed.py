#!/usr/bin/env python3
"""The corpus listed in tests/python/CMakeLists.txt is the folders' content.

    check_listed.py corpus/a.py,corpus/b.py,... [lecture1,lecture2,...]

The first list is tests/python/corpus/ (paths relative to tests/python); the
second names the lecture library's Python programs, configs/lectures/NAME.py.
Each YAML lecture, configs/lectures/NAME.yaml, must have its Python twin
NAME.py (and each .py there a YAML twin), so that the lecture library can be
read and run in either language. The exception: configs/lectures/threads_*.py,
the lecture's threaded code in Python for --model threads, which no YAML
lecture mirrors one for one and which is outside the differential corpus (its
order under preemption is concsim's; tests/threads/lecture_test.cc checks it).
"""
import glob
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", ".."))
lectures_dir = os.path.join(root, "configs", "lectures")

problems = []
listed = set(sys.argv[1].split(",")) if len(sys.argv) > 1 and sys.argv[1] else set()
present = {os.path.relpath(p, here) for p in glob.glob(os.path.join(here, "corpus", "*.py"))}
for p in sorted(present - listed):
    problems.append("tests/python/%s is not listed in tests/python/CMakeLists.txt" % p)
for p in sorted(listed - present):
    problems.append("tests/python/CMakeLists.txt lists %s, which does not exist" % p)


def stems(pattern):
    return {os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(lectures_dir, pattern))}


lectures = set(sys.argv[2].split(",")) if len(sys.argv) > 2 and sys.argv[2] else set()
py = {n for n in stems("*.py") if not n.startswith("threads_")}
yaml = stems("*.yaml")
for n in sorted(py - lectures):
    problems.append("configs/lectures/%s.py is not listed in tests/python/CMakeLists.txt" % n)
for n in sorted(lectures - py):
    problems.append("tests/python/CMakeLists.txt lists the lecture %s, but configs/lectures/%s.py does not exist"
                    % (n, n))
for n in sorted(yaml - py):
    problems.append("configs/lectures/%s.yaml has no Python twin configs/lectures/%s.py" % (n, n))
for n in sorted(py - yaml):
    problems.append("configs/lectures/%s.py has no YAML twin configs/lectures/%s.yaml" % (n, n))
for line in problems:
    print(line)
sys.exit(1 if problems else 0)
