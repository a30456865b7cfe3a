# status: completed
# asyncio.Event: several waiters wake when it is set; is_set and clear;
# wait on a set event returns at once.
import asyncio


async def waiter(ev, n):
    print("waiter", n, "waiting")
    await ev.wait()
    print("waiter", n, "woke")


async def main():
    ev = asyncio.Event()
    tasks = [asyncio.create_task(waiter(ev, n)) for n in range(3)]
    await asyncio.sleep(0.5)
    print("setting; is_set:", ev.is_set())
    ev.set()
    await asyncio.gather(*tasks)
    print("is_set:", ev.is_set(), "wait returns:", await ev.wait())
    ev.clear()
    print("cleared:", ev.is_set())


asyncio.run(main())
