# status: completed
# Cancelling a task that awaits gather cancels gather's children; each
# child sees CancelledError at its own await.
import asyncio


async def child(n):
    try:
        await asyncio.sleep(n)
    except asyncio.CancelledError:
        print("child", n, "cancelled")
        raise


async def parent():
    try:
        await asyncio.gather(child(1), child(2), child(3))
    except asyncio.CancelledError:
        print("parent cancelled")
        raise


async def main():
    p = asyncio.create_task(parent())
    await asyncio.sleep(0.5)
    p.cancel()
    await asyncio.gather(p, return_exceptions=True)
    print("parent cancelled():", p.cancelled())


asyncio.run(main())
