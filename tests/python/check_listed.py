#!/usr/bin/env python3
"""The corpus listed in tests/python/CMakeLists.txt is the folder's content.

    check_listed.py corpus/a.py,corpus/b.py,...
"""
import glob
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
listed = set(sys.argv[1].split(",")) if len(sys.argv) > 1 else set()
present = {os.path.relpath(p, here) for p in glob.glob(os.path.join(here, "corpus", "*.py"))}
for p in sorted(present - listed):
    print("tests/python/%s is not listed in tests/python/CMakeLists.txt" % p)
for p in sorted(listed - present):
    print("tests/python/CMakeLists.txt lists %s, which does not exist" % p)
sys.exit(1 if present != listed else 0)
