# status: completed
# wait_for(shield(task), timeout): the timeout cancels the shield, not the
# task; the task finishes later. A shielded task that fails passes its
# exception through; shield of a finished task returns it as is.
import asyncio


async def slow(v, d):
    await asyncio.sleep(d)
    return v


async def fails():
    await asyncio.sleep(0.1)
    raise ValueError("inner failed")


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(slow("late", 0.5))
    try:
        await asyncio.wait_for(asyncio.shield(t), timeout=0.2)
    except TimeoutError:
        print(f"timed out at {loop.time():.2f}; task cancelled? {t.cancelled()}")
    print(await t, f"at {loop.time():.2f}")
    try:
        await asyncio.shield(fails())
    except ValueError as e:
        print("through the shield:", e)
    print("same object:", asyncio.shield(t) is t)


asyncio.run(main())
