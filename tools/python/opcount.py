"""CPython's count of the bytecodes a call executes.

count_bytecodes(fn, *args) calls fn(*args) under sys.settrace with f_trace_opcodes and
returns (the bytecodes executed in every Python frame it entered, fn's
result). sys.settrace sees Python frames only: code in C counts nothing.
Used by tools/python/op_ratio.py and, compiled into concsim as text, by
`concsim calibrate --python` (app/calibrate/python_cost.cc), so that both
count alike.
"""
import sys


def count_bytecodes(fn, *args):
    n = 0

    def tracer(frame, event, arg):
        nonlocal n
        frame.f_trace_opcodes = True
        if event == "opcode":
            n += 1
        return tracer

    sys.settrace(tracer)
    try:
        result = fn(*args)
    finally:
        sys.settrace(None)
    return n, result
