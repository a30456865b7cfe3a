# status: completed
# The guide's "When async is NOT faster": four CPU-bound computations with
# asyncio.to_thread. The guide's sum of squares is computed for real (it
# costs no virtual time); concsim.cpu(0.5) stands for its cost. Under the
# GIL real threads would not overlap; on the modelled machine's 4 cores
# (a process pool, no GIL) they take 0.5 s.
import asyncio
import time

from concsim import cpu


async def async_cpu_bound():
    def compute():
        cpu(0.5)
        return sum(i * i for i in range(1000))

    start = time.monotonic()
    tasks = [asyncio.to_thread(compute) for _ in range(4)]
    results = await asyncio.gather(*tasks)
    print(results[0], f"{time.monotonic() - start:.1f}s")


asyncio.run(async_cpu_bound())
