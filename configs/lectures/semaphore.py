# status: completed
# The guide's rate limiting (configs/lectures/semaphore.yaml, claim S11):
# Semaphore(3) over ten 1 s fetches ends at 4.0 s.
import asyncio
from asyncio import Semaphore


async def fetch(sem, url):
    async with sem:
        print(f"Fetching {url}")
        await asyncio.sleep(1)
    return f"Data from {url}"


async def main():
    sem = Semaphore(3)
    urls = [f"url{i}" for i in range(10)]
    results = await asyncio.gather(*(fetch(sem, url) for url in urls))
    print(f"Fetched {len(results)} URLs")


asyncio.run(main())
