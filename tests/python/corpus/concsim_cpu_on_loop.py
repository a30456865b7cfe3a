# status: completed
# concsim.cpu(d) on the loop's thread computes for d seconds: other tasks
# wait; concsim.io(d) is non-blocking, so they run meanwhile.
import asyncio
import time

from concsim import cpu, io


async def heartbeat(t0):
    for i in range(5):
        await asyncio.sleep(0.1)
        print("beat", i, f"{time.monotonic() - t0:.2f}")


async def main():
    t0 = time.monotonic()
    hb = asyncio.create_task(heartbeat(t0))
    await io(0.25)
    print("io done", f"{time.monotonic() - t0:.2f}")
    cpu(0.2)
    print("cpu done", f"{time.monotonic() - t0:.2f}")
    await hb


asyncio.run(main())
