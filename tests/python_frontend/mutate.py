#!/usr/bin/env python3
"""Differential fuzzing of the Python front end against CPython 3.11.

  mutate.py --parser PATH [--seed N] [--count N] [--keep DIR] PATH...

Takes windows of lines from the .py files under PATH..., changes one or two
things in each (deletes a few characters, inserts a token or a character,
repeats or re-indents a line), and compares concsim-pyparse with CPython's
parser on every mutant: the same tree when CPython accepts it, the same
error (kind, message, line, offset) when it does not. Prints each kind of
disagreement with an example and the counts. Deterministic for a seed.

Not part of ctest: CPython's second pass reuses results its first pass and
its look-ahead memoized, which gives some messages on unusual inputs that a
one-pass parser does not reproduce (see app/python/parser_impl.h); the rate
is the figure to watch. The front end's own tests are oracle.py's corpora.
"""
import argparse
import ast
import collections
import os
import random
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

INSERTS = list('()[]{}:,=.\'"\n #\\*+-@!<>;') + [
    '\n    ', ' if ', ' else ', ' for ', ' in ', 'lambda', 'def ', 'class ', ' = ', 'yield',
    'await ', 'print ', 'f"{', '}', '"""', "'''", '\t', 'async ', 'not ', 'is', '**', ':=',
    ' as ', 'import ', 'from ', 'try:', 'except', 'finally', 'with ', 'return', 'del ', '0x',
    '1_', '0o9', '1e', '\u00e9', '\u20ac', '\x01', 'match ', 'case ', '_', 'c ']


def mutate(rng, s):
    for _ in range(rng.randint(1, 2)):
        if not s:
            s = 'x'
        i = rng.randrange(len(s) + 1)
        op = rng.random()
        if op < 0.35:
            s = s[:i] + s[i + rng.randint(1, 3):]
        elif op < 0.75:
            s = s[:i] + rng.choice(INSERTS) + s[i:]
        elif op < 0.85:
            lines = s.split('\n')
            lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
            s = '\n'.join(lines)
        else:
            lines = s.split('\n')
            k = rng.randrange(len(lines))
            lines[k] = ' ' * rng.randint(0, 6) + lines[k].lstrip()
            s = '\n'.join(lines)
    return s


def cpython(path):
    with open(path, encoding='utf-8') as fh:
        source = fh.read()
    try:
        tree = ast.parse(source, path)
    except SyntaxError as e:
        return None, (type(e).__name__, e.msg, e.lineno, e.offset)
    return ast.dump(oracle.strip(tree), include_attributes=True), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--parser', required=True)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=2000)
    ap.add_argument('--keep', help='write the mutants here instead of a temporary directory')
    ap.add_argument('paths', nargs='+')
    args = ap.parse_args()
    warnings.simplefilter('ignore')
    rng = random.Random(args.seed)
    sources = []
    for f in oracle.py_files(args.paths):
        with open(f, encoding='utf-8-sig', errors='replace') as fh:
            sources.append(fh.read())
    out = args.keep or tempfile.mkdtemp(prefix='mutants-')
    os.makedirs(out, exist_ok=True)
    files = []
    for k in range(args.count):
        lines = rng.choice(sources).split('\n')
        a = rng.randrange(len(lines))
        window = '\n'.join(lines[a:a + rng.randint(1, 12)]) + '\n'
        path = os.path.join(out, 'm%05d.py' % k)
        with open(path, 'w', encoding='utf-8') as fh:
            fh.write(mutate(rng, window))
        files.append(path)
    got = oracle.ours(args.parser, files)
    kinds = collections.Counter()
    for path in files:
        try:
            want, error = cpython(path)
        except (ValueError, RecursionError, MemoryError):
            continue  # CPython itself gives no SyntaxError here
        have = got.get(path)
        if error is None:
            if isinstance(have, tuple):
                if 'not supported by concsim' in have[2]:
                    continue
                kind = 'concsim rejects a valid program: ' + have[2]
            elif have != want:
                kind = 'the trees differ'
            else:
                continue
        elif not isinstance(have, tuple):
            kind = 'concsim accepts: ' + error[1]
        elif have[1:] == error or 'not supported by concsim' in have[2]:
            continue
        elif have[2] != error[1]:
            kind = 'message: CPython %r, concsim %r' % (error[1], have[2])
        else:
            kind = 'position: ' + error[1]
        if kinds[kind] == 0:
            print('%s\n  %s\n  CPython %s\n  concsim %s' % (kind, path, error, have[1:]
                                                              if isinstance(have, tuple) else
                                                              '(a tree)'))
        kinds[kind] += 1
    total = sum(kinds.values())
    print('%d of %d mutants disagree (seed %d)' % (total, len(files), args.seed))
    for kind, n in kinds.most_common():
        print('%6d  %s' % (n, kind))
    return 0


if __name__ == '__main__':
    sys.exit(main())
