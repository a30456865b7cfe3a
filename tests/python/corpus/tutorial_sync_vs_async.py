# status: completed
# The guide's "Why use async/await": three 1 s fetches take 3 s with
# time.sleep one after another and 1 s with asyncio.gather.
import asyncio
import time


def fetch_data(url):
    time.sleep(1)  # Simulate network delay
    return f"Data from {url}"


def synchronous_example():
    start = time.time()
    data1 = fetch_data("url1")
    data2 = fetch_data("url2")
    data3 = fetch_data("url3")
    print(f"Total time: {time.time() - start:.2f}s")
    return [data1, data2, data3]


async def fetch_data_async(url):
    await asyncio.sleep(1)  # Simulate async network delay
    return f"Data from {url}"


async def async_example():
    start = time.time()
    results = await asyncio.gather(
        fetch_data_async("url1"),
        fetch_data_async("url2"),
        fetch_data_async("url3")
    )
    print(f"Total time: {time.time() - start:.2f}s")
    return results


print(synchronous_example())
print(asyncio.run(async_example()))
