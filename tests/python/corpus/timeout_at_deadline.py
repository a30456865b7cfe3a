# status: completed
# asyncio.timeout_at(when) with an absolute loop time, a deadline already
# in the past (the block is cancelled at its first await), and a timeout
# around work that catches its own CancelledError.
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("stubborn: cancelled, cleaning up")
        await asyncio.sleep(0.1)
        raise


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        async with asyncio.timeout_at(start + 0.3):
            await asyncio.sleep(1)
    except TimeoutError:
        print(f"timeout_at fired at {loop.time():.2f}")
    try:
        async with asyncio.timeout_at(loop.time() - 1):
            print("inside a past deadline")
            await asyncio.sleep(0)
            print("not reached")
    except TimeoutError:
        print(f"past deadline: TimeoutError at {loop.time():.2f}")
    try:
        async with asyncio.timeout(0.2):
            await stubborn()
    except TimeoutError:
        print(f"stubborn timed out, at {loop.time():.2f}")


asyncio.run(main())
