"""Runs each program under CPython (Debian's python3) and under concsim
(`concsim run PROGRAM --format json`) and compares what they print, line
for line, on stdout and stderr. The programs exercise the object protocol
and the builtins through user classes (tests/vm/programs).

  python3 tests/vm/run_programs.py CONCSIM PROGRAM...
"""
import difflib
import json
import subprocess
import sys


def lines(text):
    out = text.split("\n")
    if out and out[-1] == "":
        out.pop()
    return out


def main():
    concsim, programs = sys.argv[1], sys.argv[2:]
    failed = 0
    for program in programs:
        py = subprocess.run([sys.executable, program], capture_output=True, text=True, timeout=120)
        cs = subprocess.run([concsim, "run", program, "--format", "json"], capture_output=True, text=True,
                            timeout=120)
        try:
            result = json.loads(cs.stdout)
        except json.JSONDecodeError:
            print(f"{program}: concsim gave no JSON (exit {cs.returncode}): {cs.stderr.strip()}")
            failed += 1
            continue
        problems = []
        if py.returncode != 0:
            problems.append(f"CPython exits with {py.returncode}: {py.stderr.strip()}")
        if result["status"] != "completed":
            problems.append(f"concsim: {result['status']}: {result.get('detail')}")
        for stream, expected in (("stdout", py.stdout), ("stderr", py.stderr)):
            got = [o["text"] for o in result["output"] if o["stream"] == stream]
            diff = list(difflib.unified_diff(lines(expected), got, "cpython", "concsim", lineterm="", n=0))
            if diff:
                problems.append(f"{stream} differs:\n" + "\n".join(diff))
        if problems:
            failed += 1
            print(f"{program}:\n  " + "\n  ".join(problems))
        else:
            print(f"{program}: same output ({len(lines(py.stdout))} lines)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
