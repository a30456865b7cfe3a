# status: completed
# Eight blocking 1 s calls on the default executor (min(32, 4 + 4) = 8
# workers on the ideal machine) overlap: all end at 1 s; a ninth waits.
import asyncio
import os
import time


def io_call(n):
    time.sleep(1)
    return n


async def main():
    print("cpu_count", os.cpu_count())
    loop = asyncio.get_running_loop()
    start = loop.time()
    r = await asyncio.gather(*(loop.run_in_executor(None, io_call, n) for n in range(8)))
    print("eight calls", r, "took", f"{loop.time() - start:.1f}")
    start = loop.time()
    await asyncio.gather(*(loop.run_in_executor(None, io_call, n) for n in range(9)))
    print("nine calls took", f"{loop.time() - start:.1f}")


asyncio.run(main())
