# status: completed
# Functions: defaults, keyword arguments, *args, **kwargs, keyword-only
# parameters, and a coroutine taking the same kinds of arguments.
import asyncio


def describe(name, greeting="Hello", *extra, punct="!", **options):
    parts = [f"{greeting}, {name}{punct}"]
    if extra:
        parts.append(f"extra={extra}")
    if options:
        parts.append(f"options={options}")
    return " ".join(parts)


def total(*numbers, start=0):
    result = start
    for n in numbers:
        result += n
    return result


async def fetch(source, delay=0.1, *, retries=1, **meta):
    await asyncio.sleep(delay)
    return (source, retries, sorted(meta.items()))


async def main():
    print(describe("Ada"))
    print(describe("Ada", "Hi"))
    print(describe("Ada", "Hi", 1, 2, punct="?"))
    print(describe(name="Bob", greeting="Hey", mode="loud", level=3))
    args = ("Cy", "Yo", "x")
    kwargs = {"punct": ".", "k": "v"}
    print(describe(*args, **kwargs))
    print(total(), total(1, 2, 3), total(1, 2, start=10))
    print(await fetch("db"))
    print(await fetch("api", 0.2, retries=3, region="eu", tier=2))
    return total(*range(5))


print(asyncio.run(main()))
