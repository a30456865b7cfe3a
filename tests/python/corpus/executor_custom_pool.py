# status: completed
# run_in_executor with an explicit ThreadPoolExecutor(max_workers=2): the
# third job waits for a free worker; the pool's threads are named
# ThreadPoolExecutor-0_N; shutdown as a context manager.
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


def job(n):
    time.sleep(1)
    print("job", n, "done")
    return n


async def main():
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = await asyncio.gather(*(loop.run_in_executor(pool, job, n) for n in range(3)))
    print(results)


asyncio.run(main())
