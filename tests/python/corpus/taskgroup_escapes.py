# status: failed
# An ExceptionGroup from a TaskGroup that nobody catches leaves
# asyncio.run: the program fails with it (type ExceptionGroup, message with
# the count of sub-exceptions).
import asyncio


async def boom(n):
    await asyncio.sleep(0.1 * n)
    raise ValueError(f"boom {n}")


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(boom(1))
        tg.create_task(boom(2))
    print("not reached")


asyncio.run(main())
