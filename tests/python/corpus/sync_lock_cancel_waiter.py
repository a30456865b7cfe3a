# status: completed
# A task cancelled while waiting for a Lock or a Semaphore leaves the wait
# queue; the lock goes to the next waiter in FIFO order; the semaphore's
# count is kept right.
import asyncio


async def use(lock, name, hold):
    try:
        async with lock:
            print(f"{name} holds it at {asyncio.get_running_loop().time():.2f}")
            await asyncio.sleep(hold)
    except asyncio.CancelledError:
        print(f"{name} cancelled while waiting")
        raise


async def main():
    for prim in (asyncio.Lock(), asyncio.Semaphore(1)):
        print("--", type(prim).__name__)
        ts = [asyncio.create_task(use(prim, n, 0.2)) for n in ("a", "b", "c", "d")]
        await asyncio.sleep(0.1)
        ts[1].cancel()
        await asyncio.gather(*ts, return_exceptions=True)
        print("locked after:", prim.locked())


asyncio.run(main())
