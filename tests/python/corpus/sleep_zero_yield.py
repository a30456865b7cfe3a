# status: completed
# await asyncio.sleep(0) yields one trip through the loop: two tasks that
# yield after each step alternate.
import asyncio


async def worker(name, steps):
    for i in range(steps):
        print(name, i)
        await asyncio.sleep(0)
    return name


async def main():
    print(await asyncio.gather(worker("a", 3), worker("b", 4)))


asyncio.run(main())
