# status: completed
# gather(return_exceptions=True): every child runs to its end and the
# exceptions come back as values, in argument order.
import asyncio


async def task(n):
    await asyncio.sleep(0.1 * n)
    if n % 2 == 0:
        raise ValueError(f"task {n} failed")
    print("task", n, "ok")
    return n


async def main():
    results = await asyncio.gather(*(task(n) for n in range(1, 6)), return_exceptions=True)
    for r in results:
        print(type(r).__name__, r)
    return [r if isinstance(r, int) else str(r) for r in results]


print(asyncio.run(main()))
