# status: completed
# An executor job that never blocks (no sleep, no cpu: it returns at once).
# Its worker runs it to the end as soon as run_in_executor starts the
# thread, so the concurrent future is finished before wrap_future chains the
# asyncio future to it: the result must still arrive (through
# call_soon_threadsafe), at time 0, for the default executor, for a pool of
# the program's own and for to_thread.
import asyncio
from concurrent.futures import ThreadPoolExecutor


def add(a, b):
    print(f"add({a}, {b})")
    return a + b


async def main():
    loop = asyncio.get_running_loop()
    print("default:", await loop.run_in_executor(None, add, 1, 2))
    with ThreadPoolExecutor(max_workers=1) as pool:
        print("pool:", await loop.run_in_executor(pool, add, 3, 4))
    print("to_thread:", await asyncio.to_thread(add, 5, 6))
    both = await asyncio.gather(loop.run_in_executor(None, add, 7, 8), asyncio.to_thread(add, 9, 10))
    print("gather:", both)
    await asyncio.sleep(0.1)
    print("done at", f"{loop.time():.1f}")
    return both


asyncio.run(main())
