# status: completed
# The guide's performance section (configs/lectures/gather_vs_sequential.yaml,
# claim S13): 100 concurrent sleep(0.1) take 0.1 s, sequential 10 s; three
# 1 s fetches 1 s with gather and 3 s in sequence.
import asyncio
import time


async def nap(d):
    await asyncio.sleep(d)


async def main():
    for label, concurrent, n, d in (("100", True, 100, 0.1), ("100", False, 100, 0.1),
                                    ("3", True, 3, 1), ("3", False, 3, 1)):
        kind = "concurrent" if concurrent else "sequential"
        start = time.perf_counter()
        print(f"phase {kind}-{label} start")
        if concurrent:
            await asyncio.gather(*(nap(d) for _ in range(n)))
        else:
            for _ in range(n):
                await nap(d)
        print(f"phase {kind}-{label} end after {time.perf_counter() - start:.1f}s")


asyncio.run(main())
