# status: completed
# The guide's "When async is faster": 100 x sleep(0.1) gathered take 0.1 s,
# in sequence with time.sleep 10 s.
import asyncio
import time


async def async_io_bound():
    tasks = [asyncio.sleep(0.1) for _ in range(100)]
    await asyncio.gather(*tasks)


start = time.time()
asyncio.run(async_io_bound())
print(f"Async: {time.time() - start:.2f}s")


def sync_io_bound():
    for _ in range(100):
        time.sleep(0.1)


start = time.time()
sync_io_bound()
print(f"Sync: {time.time() - start:.2f}s")
