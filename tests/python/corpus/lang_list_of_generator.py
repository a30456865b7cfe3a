# status: failed
# list() and tuple() of a generator, which concsim runs on the calling task
# or thread as a for loop does (so that the generator may wait): yield from
# a generator and from a list, a generator's return value (dropped), one
# already started or exhausted, a finally that runs as it ends, a generator
# expression, nested list() calls, an exception caught, and one that
# escapes with the generator's frame in its traceback.
import asyncio


def gen(n):
    try:
        yield 0
        yield from [1, 2]
        yield from (10 * i for i in range(n))
        return "dropped"
    finally:
        print("gen finally")


def pairs(n):
    for i in range(n):
        yield tuple(x for x in range(i))


def bad(n):
    yield n
    raise ValueError(f"bad {n}")


print(list(gen(3)))
print(tuple(gen(1)))
g = gen(2)
print(next(g), next(g))
print(list(g), list(g), tuple(g))
print(list(x * x for x in range(4)), list(pairs(3)))
print(list(list(range(i)) for i in range(3)))
try:
    list(bad(1))
except ValueError as e:
    print("caught", e)


async def main():
    await asyncio.sleep(0.1)
    return tuple(str(x) for x in gen(1))

print(asyncio.run(main()))
print(list(bad(2)))
