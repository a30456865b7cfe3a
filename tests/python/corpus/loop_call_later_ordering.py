# status: completed
# call_soon runs in FIFO order before timers; call_later timers with the
# same delay fire in the order they were armed; a cancelled handle never
# runs; call_at with distinct deadlines fires by deadline.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    for name in ["a", "b", "c", "d", "e"]:
        loop.call_later(0.5, print, "later", name)
    h = loop.call_later(0.5, print, "cancelled handle")
    h.cancel()
    loop.call_soon(print, "soon 1")
    loop.call_soon(print, "soon 2")
    now = loop.time()
    loop.call_at(now + 0.7, print, "at +0.7")
    loop.call_at(now + 0.6, print, "at +0.6")
    loop.call_later(0.8, done.set_result, "future result")
    print("cancelled:", h.cancelled())
    print(await done)


asyncio.run(main())
