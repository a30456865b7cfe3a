"""Module docstring."""
from __future__ import annotations
import os
import os.path
import os.path as p, sys as s
from os import path
from os import path as p, sep
from os import (path, sep,)
from os.path import *
from . import a
from .. import b as c
from ...pkg import d
from .... import e
from .mod.sub import (f as g,
                      h)
global_var: int = 1
other: "str"
(paren): int = 2
obj.attr: list[int] = []
obj[0]: int
x: int = yield_
pass; pass;
x = 1; y = 2
del a
del a, b
del a, b,
del (a, b)
del [a, b]
del a.b, c[d], (e)
del (a), [b]
assert x
assert x, "message"
raise
raise E
raise E("x") from None
x += 1
x -= 1
x *= 1
x /= 1
x //= 1
x %= 1
x **= 1
x @= 1
x &= 1
x |= 1
x ^= 1
x <<= 1
x >>= 1
x.y += 1
x[0] += 1
(x) += 1
global g1, g2
if a:
    pass
elif b:
    pass
elif c:
    pass
else:
    pass
if a: pass
if (a): b; c
while a:
    break
else:
    continue
while True: pass
for i in range(10):
    continue
else:
    pass
for i, j in pairs: pass
for (i, j) in pairs: pass
for [i, j] in pairs: pass
for i, in pairs: pass
for *i, j in pairs: pass
for i in a, b: pass
for i in *a, b: pass
for x.y in z: pass
for x[0] in z: pass
try:
    pass
except:
    pass
try:
    pass
except E:
    pass
except (E, F) as e:
    pass
except E as e:
    pass
else:
    pass
finally:
    pass
try:
    pass
finally:
    pass
try:
    pass
except* E:
    pass
except* (E, F) as eg:
    pass
else:
    pass
finally:
    pass
with a: pass
with a as b: pass
with a as b, c as d: pass
with a, b: pass
with (a, b): pass
with (a, b) as c: pass
with (a as b, c as d): pass
with (a as b, c as d,): pass
with (a): pass
with (a) as b: pass
with (yield): pass
with a as (b, c): pass
with a as [b, c]: pass
with a as b.c: pass
with a as b[0]: pass
with (
    open(x) as f,
    open(y) as g,
):
    pass
def f(): pass
def f(a): pass
def f(a, b): pass
def f(a, b,): pass
def f(a=1): pass
def f(a, b=1, *args, c, d=2, **kwargs): pass
def f(a, /): pass
def f(a, /, b): pass
def f(a, b, /, c, *, d): pass
def f(a=1, /, b=2, *, c): pass
def f(a, b=1, /, c=2): pass
def f(*, a): pass
def f(*, a=1, b): pass
def f(*args): pass
def f(**kwargs): pass
def f(*args, **kwargs,): pass
def f(a: int, b: str = "x", *args: int, c: float, **kwargs: dict) -> None: pass
def f(a: "int" = 1) -> "None": pass
def f(*args: *Ts): pass
def f(a, *, b, **c): pass
@decorator
def f(): pass
@decorator()
@a.b.c
@d(e, f=g)
@(lambda f: f)
@x[0]
@x := y
def f():
    """Docstring."""
    global g
    nonlocal_ = 1
    def inner():
        nonlocal nonlocal_
        nonlocal a, b
        return
    return inner
async def f():
    async with a as b:
        pass
    async with a, b: pass
    async with (a as b, c): pass
    async for i in a:
        pass
    else:
        pass
    return
@dec
async def f(): pass
class A: pass
class A(): pass
class A(B): pass
class A(B, C): pass
class A(B, metaclass=M): pass
class A(*bases, **kw): pass
class A(B, x=1, *c, **d): pass
@dec
class A:
    """Docstring."""
    x: int = 1
    def method(self): return self.x
    @property
    def prop(self): return 1
    class Inner:
        pass
match = 1
match(x)
match.x = 2
case = 3
_ = 4
type = 5
print(match, case, _, type)
if x:
    if y:
        if z:
            pass
        else:
            pass
    elif w:
        pass
else:
    pass
