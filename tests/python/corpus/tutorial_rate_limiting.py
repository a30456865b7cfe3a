# status: completed
# The guide's rate limiting with Semaphore(3) over ten URLs.
import asyncio
from asyncio import Semaphore


async def fetch_data(sem, url):
    async with sem:  # Limit concurrent operations
        print(f"Fetching {url}")
        await asyncio.sleep(1)
        return f"Data from {url}"


async def main():
    sem = Semaphore(3)
    urls = [f"url{i}" for i in range(10)]
    tasks = [fetch_data(sem, url) for url in urls]
    results = await asyncio.gather(*tasks)
    print(f"Fetched {len(results)} URLs")


asyncio.run(main())
