# status: completed
# The clocks: time.time, monotonic, perf_counter and their _ns forms, and
# loop.time(), all read the same clock. On the virtual clock they all start
# at 0; under plain CPython time.time() is the epoch and the others are
# arbitrary, so only this program's differences match a real run.
import asyncio
import time


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(0.5)
    print(f"{loop.time() - t0:.3f} {time.time():.3f} {time.monotonic():.3f} {time.perf_counter():.3f}")
    ns = time.monotonic_ns()
    await asyncio.sleep(0.001)
    print("ns delta", (time.perf_counter_ns() - ns) // 1000, "us")
    print(time.time_ns() // 1_000_000 - int(time.time() * 1000) in (0, -1))
    await asyncio.sleep(1.25)
    print(f"{loop.time() - t0:.2f}")


asyncio.run(main())
