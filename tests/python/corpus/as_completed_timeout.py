# status: completed
# as_completed(timeout=): results in completion order until the timeout;
# then each remaining await raises TimeoutError. Tasks are created in
# order and passed as tasks (as_completed wraps coroutines in set order).
import asyncio


async def fetch(n, d):
    await asyncio.sleep(d)
    return f"item {n}"


async def main():
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(fetch(n, d)) for n, d in [(1, 0.3), (2, 0.1), (3, 2.0), (4, 5.0)]]
    got = 0
    try:
        for aw in asyncio.as_completed(tasks, timeout=1.0):
            print(await aw, f"at {loop.time():.2f}")
            got += 1
    except TimeoutError:
        print(f"TimeoutError at {loop.time():.2f} after {got} results")
    print("still running:", [t.done() for t in tasks])
    for t in tasks:
        t.cancel()
    results = []
    for aw in asyncio.as_completed([asyncio.create_task(fetch(5, 0.2))], timeout=1):
        results.append(await aw)
    print(results, f"at {loop.time():.2f}")


asyncio.run(main())
