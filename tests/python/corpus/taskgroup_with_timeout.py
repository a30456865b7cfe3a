# status: completed
# A TaskGroup inside asyncio.timeout: the deadline cancels the body, the
# group cancels its children and waits for them, and the timeout turns the
# CancelledError into TimeoutError (not an ExceptionGroup).
import asyncio


async def download(name, d):
    try:
        await asyncio.sleep(d)
        print(f"{name} downloaded")
    except asyncio.CancelledError:
        print(f"{name} abandoned")
        raise


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(0.5):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(download("small", 0.2))
                tg.create_task(download("huge", 3.0))
    except TimeoutError:
        print(f"TimeoutError at {loop.time():.2f}")
    except ExceptionGroup:
        print("not an ExceptionGroup")
    print("cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
