# status: completed
# concsim.cpu in executor workers: the ideal machine's 4 cores run 4 jobs
# at once; six 1 s jobs take 2 s; the loop thread's own cpu() takes a core too.
import asyncio
import time

import concsim


def crunch(n):
    concsim.cpu(1)
    return n


async def main():
    loop = asyncio.get_running_loop()
    t0 = time.monotonic()
    r = await asyncio.gather(*(loop.run_in_executor(None, crunch, n) for n in range(6)))
    print(r, f"{time.monotonic() - t0:.1f}")
    t0 = time.monotonic()
    futs = [loop.run_in_executor(None, crunch, n) for n in range(4)]
    concsim.cpu(0.5)
    print("loop computed", f"{time.monotonic() - t0:.1f}")
    await asyncio.gather(*futs)
    print("all", f"{time.monotonic() - t0:.1f}")


asyncio.run(main())
