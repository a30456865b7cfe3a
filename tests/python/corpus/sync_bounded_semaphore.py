# status: completed
# BoundedSemaphore rejects a release beyond its initial value; a plain
# Semaphore grows instead.
import asyncio


async def main():
    b = asyncio.BoundedSemaphore(1)
    await b.acquire()
    b.release()
    try:
        b.release()
    except ValueError as e:
        print("ValueError:", e)
    s = asyncio.Semaphore(1)
    s.release()
    await s.acquire()
    await s.acquire()
    print("plain semaphore acquired twice; locked:", s.locked())


asyncio.run(main())
