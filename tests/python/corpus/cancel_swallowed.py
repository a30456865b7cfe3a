# status: completed
# A task that swallows CancelledError and returns normally: it is not
# cancelled and its result is what it returned.
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("swallowing the cancellation")
    await asyncio.sleep(0.2)
    return "finished anyway"


async def main():
    t = asyncio.create_task(stubborn())
    await asyncio.sleep(0.1)
    print("cancel() returned", t.cancel())
    r = await t
    print(r, "cancelled:", t.cancelled())


asyncio.run(main())
