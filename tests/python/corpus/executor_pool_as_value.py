# status: completed
# A ThreadPoolExecutor(max_workers=...) kept as an ordinary value (in a
# dict, passed to functions), used by run_in_executor beside the default
# executor (None, threads asyncio_N); submit() and Future.result() from the
# module's top level; an exception in a pool job reaches the awaiting task;
# shutdown() waits for the pool's jobs.
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


def blocking(tag, d):
    time.sleep(d)
    print(f"{tag}")
    return tag


def explode():
    time.sleep(0.05)
    raise ValueError("pool job failed")


async def use(pools, which, tag, d):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pools[which], blocking, tag, d)


pools = {"small": ThreadPoolExecutor(max_workers=1), "default": None}
print("top level:", pools["small"].submit(blocking, "first", 0.1).result())


async def main():
    loop = asyncio.get_running_loop()
    r = await asyncio.gather(use(pools, "small", "s1", 0.2), use(pools, "small", "s2", 0.2),
                             use(pools, "default", "d1", 0.3))
    print(r, f"at {loop.time():.2f}")
    try:
        await loop.run_in_executor(pools["small"], explode)
    except ValueError as e:
        print("ValueError:", e)
    return r


asyncio.run(main())
pools["small"].shutdown(wait=True)
print("shut down")
