# status: completed
# async for over an async generator with break, continue and an exception
# raised in the loop body (the generator is then finalized); async
# comprehensions; an async generator that returns early.
import asyncio


async def countdown(n):
    while n > 0:
        await asyncio.sleep(0.05)
        yield n
        n -= 1
    print("countdown exhausted")


async def main():
    total = 0
    async for x in countdown(5):
        if x % 2 == 0:
            continue
        total += x
    print("odd total", total)
    print([x async for x in countdown(3)])
    print({x: x * x async for x in countdown(2) if x > 1})
    agen = countdown(10)
    try:
        async for x in agen:
            if x == 8:
                raise ValueError("stop at 8")
    except ValueError as e:
        print("body raised:", e)
    await agen.aclose()
    print(f"end at {asyncio.get_running_loop().time():.2f}")


asyncio.run(main())
