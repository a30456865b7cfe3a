# status: completed
# asyncio.Condition: waiters wake in FIFO order; notify(1) wakes one,
# notify(n) n, notify_all the rest; each re-acquires the lock before wait()
# returns; wait() or notify() without the lock is RuntimeError.
import asyncio


async def consumer(cond, name, box):
    async with cond:
        print(f"{name} waits")
        await cond.wait()
        print(f"{name} woke, box={box}, locked={cond.locked()}")
        await asyncio.sleep(0.1)


async def main():
    loop = asyncio.get_running_loop()
    cond = asyncio.Condition()
    box = []
    tasks = [asyncio.create_task(consumer(cond, f"c{i}", box)) for i in range(5)]
    await asyncio.sleep(0.1)
    async with cond:
        box.append(1)
        cond.notify()
    await asyncio.sleep(0.5)
    async with cond:
        box.append(2)
        cond.notify(2)
    await asyncio.sleep(0.5)
    async with cond:
        box.append(3)
        cond.notify_all()
    await asyncio.gather(*tasks)
    print(f"all woke by {loop.time():.2f}")
    try:
        await cond.wait()
    except RuntimeError as e:
        print("RuntimeError:", e)
    try:
        cond.notify()
    except RuntimeError as e:
        print("RuntimeError:", e)


asyncio.run(main())
