# status: completed
# Task.cancelling() counts the cancel requests not yet taken back;
# uncancel() takes one back and returns what is left. A task that swallows
# its CancelledError keeps cancelling() > 0 unless it uncancels, as the
# documentation says.
import asyncio


async def swallow(uncancel):
    me = asyncio.current_task()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("swallowed, cancelling =", me.cancelling())
        if uncancel:
            print("uncancel ->", me.uncancel())
    await asyncio.sleep(0.1)
    print("carried on, cancelling =", me.cancelling())
    return "finished"


async def main():
    t = asyncio.create_task(swallow(False))
    await asyncio.sleep(0.1)
    print(t.cancel(), t.cancel(), "cancelling:", t.cancelling())
    print(await t)
    t = asyncio.create_task(swallow(True))
    await asyncio.sleep(0.1)
    t.cancel()
    print(await t, t.cancelling(), t.cancelled())
    me = asyncio.current_task()
    print("main:", me.cancelling(), me.uncancel())


asyncio.run(main())
