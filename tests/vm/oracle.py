"""The oracle of the VM library's tests: evaluates Python expressions with
the real CPython and prints what each gives, one JSON string per line: the
repr of the value, or "!ExceptionName: message" when it raises.

Input: one JSON string per line, each an expression (or, starting with
"exec:", statements that set `result`)."""
import json
import sys


def _n(x):
    """Sets in a canonical order: CPython's follows hashes (randomised for
    str), concsim's is insertion order (see the README)."""
    if isinstance(x, (set, frozenset)):
        return (type(x).__name__, sorted(x, key=repr))
    if isinstance(x, tuple):
        return tuple(_n(i) for i in x)
    return x


def evaluate(text):
    namespace = {"_n": _n}
    try:
        if text.startswith("exec:"):
            exec(text[5:], namespace)
            value = namespace.get("result")
        else:
            value = eval(text, namespace)
        return repr(value)
    except BaseException as e:  # the oracle reports every exception
        return "!" + type(e).__name__ + ": " + str(e)


def main():
    out = []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line:
            out.append(json.dumps(evaluate(json.loads(line))))
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


if __name__ == "__main__":
    main()
