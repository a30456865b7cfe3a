# Every operator, at every precedence, and the positions pegen gives them.
x = a + b - c * d / e // f % g @ h ** i
x = a | b ^ c & d << e >> f
x = -a + +b - ~c
x = -a ** -b
x = a ** b ** c
x = (a + b) * c
x = ((a)) + (b)
x = not a
x = not not a
x = a and b and c or d or e
x = a or b and c
x = not a == b
x = a < b <= c > d >= e == f != g
x = a in b not in c is d is not e
x = a if b else c
x = a if b else c if d else e
x = (a if b else c) if d else e
x = lambda: 0
x = lambda a: a
x = lambda a, b=1, *c, d, e=2, **f: a
x = lambda a, /, b: a
x = lambda a=1, /, b=2, *, c: a
x = lambda *, a: a
x = lambda *a, **b: a
x = lambda: (yield)
x = lambda: lambda: 1
x = (y := 10)
x = [y := 1, y ** 2]
print(y := 5)
f(a)(b)(c)
a.b.c.d
a[1][2][3]
a.b[c](d).e
x = a[1:2]
x = a[:]
x = a[::]
x = a[1:]
x = a[:2]
x = a[::3]
x = a[1:2:3]
x = a[1:2, 3]
x = a[1:2, ::3]
x = a[...]
x = a[1,]
x = a[1, 2]
x = a[(1, 2)]
x = a[*b]
x = a[*b, c]
x = a[b:=1]
x = a[(x for x in y)]
x = f()
x = f(1)
x = f(1,)
x = f(a, b, *c, d=1, **e)
x = f(*a, *b, c=1, *d, **e, f=2)
x = f(a=1, b=2)
x = f(**a, **b)
x = f(x for x in y)
x = f((x for x in y), z)
x = f(a := 1)
x = f(a, b := 2)
x = g(lambda: 1, key=lambda x: x)
x = [1, 2, 3]
x = [1, 2, 3,]
x = []
x = [*a, *b, c]
x = ()
x = (1,)
x = (1, 2)
x = (1, 2,)
x = (*a, b)
x = 1, 2
x = 1,
x = *a, b
x = {}
x = {1: 2}
x = {1: 2, 3: 4,}
x = {**a, 1: 2, **b}
x = {1}
x = {1, 2,}
x = {*a, *b}
x = [i for i in range(10)]
x = [i for i in range(10) if i if i % 2]
x = [(i, j) for i in a for j in b if i != j]
x = [i for i, j in z]
x = [i for (i, j) in z]
x = [i for [i, j] in z]
x = [i for i, in z]
x = [i for *i, j in z]
x = {i for i in a}
x = {k: v for k, v in a.items()}
x = {k: v for k, v in a if k for _ in b}
x = (i for i in a)
x = [x for x in (y for y in z)]
x = [[y for y in x] for x in z]
x = [x for x in a if (y := x)]
x = 'abc'.upper()
x = 1 .real
x = 1.0.real
x = [1][0]
x = {1: 2}[1]
x = (1, 2)[0]
x = a if b else lambda: c
x = (yield)
x = await_ = 1
x = a.b.c = d[e] = f
a, b = c, d
[a, b] = c
(a, b), c = d
a, *b = c
*a, b = c
a, = b
(a) = b
(a.b) = c
((a)) = b
a[b], c.d = e
x = a == b == c
x = (a, b) == (c, d)
x = a is None
x = a is not None
x = -1
x = - 1
x = ~-+1
x = 2 ** -1
x = (-2) ** 2
x = a @ b
x = a if not b else c
x = a and not b
x = [a, b][0]
x = print
x = f(a)[b].c
x = not a in b
x = a < (b < c)
x = (a < b) < c
x = (((((1)))))
x = ((1, 2), (3, 4))
x = a.b.c.d.e.f
x = (a
     + b
     - c)
x = [
    1,
    2,
]
x = {
    'a': 1,
    'b': [
        2, 3
    ],
}
def gen():
    yield
    yield 1
    yield 1, 2
    yield from g()
    x = yield
    x = yield 1
    x = yield from g()
    y = (yield)
    z = [(yield)]
    f((yield))
    await_ = (yield 1)
    return (yield)
async def coro():
    await a
    await a.b()
    x = await a
    x = await a ** 2
    x = -await a
    x = [await a for a in b]
    x = [a async for a in b]
    x = [await a async for a in b if await c]
    x = {a async for a in b}
    x = (a async for a in b)
    return await f(await g)
