# status: completed
# The state queries of the primitives: Lock.locked(), Semaphore.locked()
# (and BoundedSemaphore), Event.is_set()/clear(), each checked before, while
# and after use; releasing an unlocked Lock is RuntimeError.
import asyncio


async def hold(lock, d):
    async with lock:
        await asyncio.sleep(d)


async def main():
    lock = asyncio.Lock()
    print("lock:", lock.locked())
    t = asyncio.create_task(hold(lock, 0.2))
    await asyncio.sleep(0.1)
    print("lock held:", lock.locked())
    await t
    print("lock after:", lock.locked())
    try:
        lock.release()
    except RuntimeError as e:
        print("RuntimeError:", e)
    sem = asyncio.Semaphore(2)
    print("sem:", sem.locked())
    await sem.acquire()
    print("sem one held:", sem.locked())
    await sem.acquire()
    print("sem two held:", sem.locked())
    sem.release()
    sem.release()
    print("sem released:", sem.locked())
    zero = asyncio.Semaphore(0)
    print("Semaphore(0):", zero.locked())
    bs = asyncio.BoundedSemaphore(1)
    async with bs:
        print("bounded held:", bs.locked())
    ev = asyncio.Event()
    print("event:", ev.is_set())
    ev.set()
    print("event set:", ev.is_set(), await ev.wait())
    ev.clear()
    print("event cleared:", ev.is_set())
    waiter = asyncio.create_task(ev.wait())
    await asyncio.sleep(0.1)
    print("waiter done:", waiter.done())
    ev.set()
    ev.clear()
    await asyncio.sleep(0)
    print("set then clear at once: waiter done:", waiter.done(), waiter.result())


asyncio.run(main())
