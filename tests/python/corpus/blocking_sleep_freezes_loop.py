# status: completed
# time.sleep inside a coroutine blocks the loop's thread: a 0.25 s ticker
# is frozen for the whole second, then catches up one tick at a time.
import asyncio
import time


async def ticker():
    start = time.monotonic()
    for i in range(6):
        await asyncio.sleep(0.25)
        print(f"tick {i} at {time.monotonic() - start:.2f}")


async def main():
    t = asyncio.create_task(ticker())
    await asyncio.sleep(0.6)
    print("blocking for 1 s")
    time.sleep(1)
    print("blocking call returned")
    await t


asyncio.run(main())
