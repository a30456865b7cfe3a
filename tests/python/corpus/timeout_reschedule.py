# status: completed
# Timeout.reschedule(): moving the deadline later while inside the block,
# removing it (None), and a block opened with timeout(None) that gets a
# deadline later. Rescheduling a finished Timeout is a RuntimeError.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(0.2) as cm:
        await asyncio.sleep(0.1)
        cm.reschedule(loop.time() + 0.5)
        print(f"new deadline {cm.when():.2f}")
        await asyncio.sleep(0.3)
    print(f"survived to {loop.time():.2f}, expired {cm.expired()}")

    async with asyncio.timeout(0.1) as cm:
        cm.reschedule(None)
        await asyncio.sleep(0.3)
    print(f"no deadline, at {loop.time():.2f}, when {cm.when()}")

    try:
        async with asyncio.timeout(None) as cm:
            await asyncio.sleep(0.1)
            cm.reschedule(loop.time() + 0.25)
            await asyncio.sleep(1)
    except TimeoutError:
        print(f"late deadline hit at {loop.time():.2f}, expired {cm.expired()}")
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        print("RuntimeError:", e)


asyncio.run(main())
