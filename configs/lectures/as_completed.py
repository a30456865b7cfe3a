# status: completed
# The guide's as_completed (configs/lectures/as_completed.yaml, claim S15):
# results in completion order url2 (1 s), url3 (2 s), url1 (3 s). The
# coroutines are given bare, as in the guide: as_completed makes tasks of
# them in set order, so nothing here depends on which task is which.
import asyncio


async def fetch_data(url, delay):
    await asyncio.sleep(delay)
    return f"Data from {url}"


async def main():
    tasks = [
        fetch_data("url1", 3),
        fetch_data("url2", 1),
        fetch_data("url3", 2),
    ]
    for coro in asyncio.as_completed(tasks):
        result = await coro
        print(f"Got: {result}")


asyncio.run(main())
