# status: completed
# The task running a TaskGroup is cancelled from outside: the group cancels
# its children, waits for them, and the CancelledError propagates (no
# ExceptionGroup). The canceller sees the task cancelled. One child is
# still running when the group aborts (the group cancels its children in
# the order of a set of tasks, which is their addresses in CPython).
import asyncio


async def child(n):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"child {n} cancelled")
        await asyncio.sleep(0.1)
        print(f"child {n} cleaned up")
        raise


async def quick():
    await asyncio.sleep(0.1)
    print("quick child done")


async def runner():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(quick())
            tg.create_task(child(1))
    except asyncio.CancelledError:
        print("runner: CancelledError out of the group")
        raise


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(runner())
    await asyncio.sleep(0.5)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print(f"runner cancelled at {loop.time():.2f}: {t.cancelled()}")


asyncio.run(main())
