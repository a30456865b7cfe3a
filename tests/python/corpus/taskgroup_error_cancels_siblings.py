# status: completed
# A child of a TaskGroup fails: the group cancels its siblings (their
# CancelledError handlers run), waits for them, and raises an ExceptionGroup
# holding the failure, which `except*` takes apart.
import asyncio


async def sibling(name, delay):
    try:
        await asyncio.sleep(delay)
        print(f"{name} finished")
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise


async def failing():
    await asyncio.sleep(0.2)
    raise ValueError("child failed")


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sibling("fast", 0.1))
            tg.create_task(failing())
            tg.create_task(sibling("slow", 1.0))
            print("body done")
    except* ValueError as eg:
        print(f"caught at {loop.time():.2f}:", type(eg).__name__, eg.exceptions)
    print("current task cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
