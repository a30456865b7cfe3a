# status: completed
# wait_for's timeout cancels the inner task and waits for it: an inner
# task that swallows the cancellation and returns a value makes wait_for
# return that value (3.11) after the inner cleanup's time; an inner task
# that fails during its cleanup raises that error.
import asyncio


async def swallows():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("inner: cancelled, returning a value instead")
        await asyncio.sleep(0.2)
        return "salvaged"


async def fails_in_cleanup():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        await asyncio.sleep(0.1)
        raise OSError("cleanup failed")


async def main():
    loop = asyncio.get_running_loop()
    print(await asyncio.wait_for(swallows(), timeout=0.5), f"at {loop.time():.2f}")
    try:
        await asyncio.wait_for(fails_in_cleanup(), timeout=0.5)
    except OSError as e:
        print(f"OSError: {e} at {loop.time():.2f}")
    try:
        await asyncio.wait_for(asyncio.sleep(1), timeout=0.1)
    except asyncio.TimeoutError as e:
        print("asyncio.TimeoutError is TimeoutError:", asyncio.TimeoutError is TimeoutError,
              type(e.__cause__).__name__)


asyncio.run(main())
