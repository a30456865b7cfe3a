# status: completed
# The guide's Pattern 4: as_completed over coroutines; output in completion
# order (the tasks as_completed creates print nothing, so their set order
# is invisible).
import asyncio


async def fetch_data(url, delay):
    await asyncio.sleep(delay)
    return f"Data from {url}"


async def main():
    tasks = [
        fetch_data("url1", 3),
        fetch_data("url2", 1),
        fetch_data("url3", 2)
    ]
    for coro in asyncio.as_completed(tasks):
        result = await coro
        print(f"Got: {result}")


asyncio.run(main())
