# status: completed
# Semaphore(2) over five jobs: two at a time; waiters acquire in FIFO order.
import asyncio


async def job(sem, n):
    async with sem:
        print("job", n, "acquired; locked:", sem.locked())
        await asyncio.sleep(1)
    print("job", n, "released")


async def main():
    sem = asyncio.Semaphore(2)
    await asyncio.gather(*(job(sem, n) for n in range(5)))
    print("locked at the end:", sem.locked())


asyncio.run(main())
