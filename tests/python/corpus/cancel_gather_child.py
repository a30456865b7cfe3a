# status: completed
# Cancelling one child of a gather: without return_exceptions the gather
# raises CancelledError at once and the other children run on; with
# return_exceptions each cancelled child's slot is CancelledError(''): in 3.11
# even for a task cancelled with a message (the C task keeps it elsewhere).
import asyncio


async def child(n, d):
    await asyncio.sleep(d)
    print(f"child {n} finished")
    return n


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(child(1, 0.5))
    b = asyncio.create_task(child(2, 0.2))
    g = asyncio.gather(a, b)
    await asyncio.sleep(0.1)
    a.cancel()
    try:
        await g
    except asyncio.CancelledError as e:
        print(f"gather raised {e!r} at {loop.time():.2f}")
    await asyncio.sleep(0.2)
    c = asyncio.create_task(child(3, 0.5))
    d = asyncio.create_task(child(4, 0.5))
    e = asyncio.create_task(child(5, 0.1))
    g = asyncio.gather(c, d, e, return_exceptions=True)
    await asyncio.sleep(0.05)
    c.cancel()
    d.cancel("with a reason")
    print(await g)


asyncio.run(main())
