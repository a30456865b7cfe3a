# status: completed
# The async/await guide, "when async is not faster"
# (configs/lectures/cpu_bound.yaml, claim S14): four 1 s computations take
# 4 s on the loop and 1 s on four executor workers with four cores.
import asyncio
from concurrent.futures import ThreadPoolExecutor

from concsim import cpu


async def compute(n):
    cpu(1)
    return n


def compute_sync(n):
    cpu(1)
    return n


async def main():
    print("phase loop start")
    await asyncio.gather(*(compute(n) for n in range(1, 5)))
    print("phase loop end")
    print("phase executor start")
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=4) as pool:
        await asyncio.gather(*(loop.run_in_executor(pool, compute_sync, n) for n in range(1, 5)))
    print("phase executor end")


asyncio.run(main())
