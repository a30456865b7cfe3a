# status: completed
# cancel() delivers CancelledError at the task's await; the task cleans up
# and re-raises; awaiting it raises CancelledError in the awaiter.
import asyncio


async def job():
    try:
        print("job starts")
        await asyncio.sleep(10)
        print("not reached")
    except asyncio.CancelledError:
        print("job cancelled, cleaning up")
        await asyncio.sleep(0.1)
        print("cleanup done")
        raise
    finally:
        print("job finally")


async def main():
    t = asyncio.create_task(job())
    await asyncio.sleep(0.5)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("main saw CancelledError; cancelled():", t.cancelled())
    print("isinstance Exception:", isinstance(asyncio.CancelledError(), Exception))


asyncio.run(main())
