# status: completed
# ThreadPoolExecutor as a context manager: the `with` block's end waits
# for the jobs submitted in it (shutdown(wait=True)); futures from submit()
# are wrapped for asyncio by run_in_executor; max_workers bounds the
# threads, named ThreadPoolExecutor-N_M per pool made without a prefix,
# and by the prefix when one is given.
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


def job(n, d):
    time.sleep(d)
    print(f"job {n}")
    return n * n


async def main():
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futs = [loop.run_in_executor(pool, job, n, 0.1 * (n + 1)) for n in range(4)]
        print(await asyncio.gather(*futs), f"at {loop.time():.2f}")
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="io") as pool:
        print(await loop.run_in_executor(pool, job, 7, 0.1), f"at {loop.time():.2f}")
    with ThreadPoolExecutor(2) as pool:
        print(await loop.run_in_executor(pool, job, 8, 0.1))
    print(f"end {loop.time():.2f}")


asyncio.run(main())
