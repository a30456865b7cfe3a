# status: completed
# The task awaiting wait_for(...) is cancelled before the timeout: wait_for
# cancels the inner task, waits for it, and the CancelledError (with its
# message) reaches the cancelled task; the timeout never fires.
import asyncio


async def inner():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("inner cancelled, cleaning up for 0.1 s")
        await asyncio.sleep(0.1)
        raise


async def outer():
    try:
        await asyncio.wait_for(inner(), timeout=5)
    except asyncio.CancelledError as e:
        print(f"outer: CancelledError {e.args} at {asyncio.get_running_loop().time():.2f}")
        raise
    except TimeoutError:
        print("not a timeout")


async def main():
    t = asyncio.create_task(outer())
    await asyncio.sleep(0.3)
    t.cancel("enough")
    results = await asyncio.gather(t, return_exceptions=True)
    print(results, t.cancelled())


asyncio.run(main())
