# status: completed
# Async generators: yield inside async def, async for with break, an async
# comprehension with a condition, and a second task interleaving between items.
import asyncio


async def rows(count, delay):
    for i in range(count):
        await asyncio.sleep(delay)
        yield {"id": i, "value": i * 10}


async def other():
    for i in range(3):
        await asyncio.sleep(0.015)
        print("other", i)


async def main():
    t = asyncio.create_task(other())
    async for row in rows(4, 0.01):
        print("row", row)
    await t
    evens = [r["id"] async for r in rows(5, 0.001) if r["id"] % 2 == 0]
    print("evens", evens)
    async for row in rows(10, 0.001):
        if row["id"] == 2:
            print("break at", row)
            break
    return len(evens)


print(asyncio.run(main()))
