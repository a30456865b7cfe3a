#!/usr/bin/env python3
"""The Python front end against CPython 3.11, the real thing.

  oracle.py --parser PATH valid PATH...     every .py file under the paths:
      concsim's tree, dumped, must equal ast.dump(ast.parse(source),
      include_attributes=True) byte for byte
  oracle.py --parser PATH invalid PATH...   every .py file under the paths:
      concsim's error must be CPython's (kind, message, line, offset);
      a file whose first line is
          # concsim-expect: Kind|message|line|col
      is one CPython accepts (or reads otherwise) and concsim refuses: the
      expectation is then that line

PATH is concsim-pyparse. The parse is CPython's parser alone (PyCF_ONLY_AST):
errors that CPython's compiler raises after parsing ('return' outside
function, ...) are not the front end's.

What concsim does not keep is removed from CPython's tree before it is
dumped: annotations of parameters and return annotations (concsim parses
and drops them) and the 'u' kind of strings.
"""
import argparse
import ast
import os
import subprocess
import sys
import warnings

EXPECT = '# concsim-expect: '


def py_files(paths):
    out = []
    for p in paths:
        if os.path.isfile(p):
            out.append(p)
            continue
        for root, dirs, files in os.walk(p):
            dirs.sort()
            out.extend(os.path.join(root, f) for f in sorted(files) if f.endswith('.py'))
    return out


def split_record(text):
    """'Kind|message|line|col' (the message may hold '|')."""
    head, line, col = text.rsplit('|', 2)
    kind, message = head.split('|', 1)
    return kind, message, int(line), int(col)


def ours(parser, files):
    """{file: dump or ('ERROR', kind, message, line, col)} from one batch run."""
    result = {}
    chunk = 200
    for i in range(0, len(files), chunk):
        proc = subprocess.run([parser, '--batch'] + files[i:i + chunk], capture_output=True,
                              check=False)
        if proc.returncode != 0:
            sys.exit('concsim-pyparse failed (status %d): %s'
                     % (proc.returncode, proc.stderr.decode(errors='replace')))
        current = None
        for line in proc.stdout.decode('utf-8', errors='replace').split('\n'):
            if line.startswith('== '):
                current = line[3:]
            elif current is not None and line:
                if line.startswith('ERROR '):
                    result[current] = ('ERROR',) + split_record(line[6:])
                else:
                    result[current] = line
                current = None
    return result


def strip(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            node.annotation = None
            node.type_comment = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
        elif isinstance(node, ast.Constant):
            node.kind = None
    return tree


def first_difference(a, b):
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    lo = max(0, n - 120)
    return '  CPython: ...%s\n  concsim: ...%s' % (a[lo:n + 120], b[lo:n + 120])


def check_valid(files, got):
    failures = 0
    for f in files:
        # As CPython reads a file: a byte order mark is not part of the text.
        with open(f, encoding='utf-8-sig') as fh:
            source = fh.read()
        try:
            want = ast.dump(strip(ast.parse(source, f)), include_attributes=True)
        except SyntaxError as e:
            print('FAIL %s: CPython rejects this file of the valid corpus: %s' % (f, e))
            failures += 1
            continue
        have = got.get(f)
        if isinstance(have, tuple):
            print('FAIL %s: concsim rejects it: %s: %s at %d:%d' % ((f,) + have[1:]))
            failures += 1
        elif have != want:
            print('FAIL %s: the trees differ\n%s' % (f, first_difference(want, have or '')))
            failures += 1
    return failures


def cpython_error(f):
    with open(f, 'rb') as fh:
        data = fh.read()
    first = data.split(b'\n', 1)[0].decode('utf-8', errors='replace')
    if first.startswith(EXPECT):
        return split_record(first[len(EXPECT):]), True
    source = data.decode('utf-8-sig')
    source = source.replace('\r\n', '\n').replace('\r', '\n')
    try:
        compile(source, f, 'exec', ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as e:
        return (type(e).__name__, e.msg, e.lineno, e.offset), False
    return None, False


def check_invalid(files, got):
    failures = 0
    for f in files:
        want, declared = cpython_error(f)
        if want is None:
            print('FAIL %s: CPython accepts this file of the invalid corpus' % f)
            failures += 1
            continue
        have = got.get(f)
        if not isinstance(have, tuple):
            print('FAIL %s: concsim accepts it; CPython: %s: %s at %d:%d' % ((f,) + want))
            failures += 1
            continue
        if have[1:] != want:
            print('FAIL %s:\n  %s: %s: %s at %d:%d\n  concsim: %s: %s at %d:%d'
                  % ((f, 'expected' if declared else 'CPython') + want + have[1:]))
            failures += 1
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--parser', required=True)
    ap.add_argument('mode', choices=['valid', 'invalid'])
    ap.add_argument('paths', nargs='+')
    args = ap.parse_args()
    if sys.version_info[:2] != (3, 11):
        print('skipped: the oracle is CPython 3.11, this is %d.%d' % sys.version_info[:2])
        return 77
    # "1if x else y" and invalid escapes warn; the warnings are not the test.
    warnings.simplefilter('ignore')
    files = py_files(args.paths)
    got = ours(args.parser, files)
    check = check_valid if args.mode == 'valid' else check_invalid
    failures = check(files, got)
    print('%d of %d files agree with CPython %s' % (len(files) - failures, len(files),
                                                    sys.version.split()[0]))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
