# status: completed
# asyncio.timeout (3.11): the block is cancelled when the deadline passes
# and the CancelledError becomes TimeoutError at the block's exit;
# expired() and when() before and after; a block that ends in time.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(0.5) as cm:
            print(f"deadline {cm.when():.2f}, expired {cm.expired()}")
            await asyncio.sleep(2)
            print("not reached")
    except TimeoutError as e:
        print(f"TimeoutError at {loop.time():.2f}: {e!r}, expired {cm.expired()}")
        print("context is CancelledError:", type(e.__context__).__name__)
    async with asyncio.timeout(1) as cm2:
        await asyncio.sleep(0.2)
    print(f"in time at {loop.time():.2f}, expired {cm2.expired()}")
    print("cancelling after both:", asyncio.current_task().cancelling())


asyncio.run(main())
