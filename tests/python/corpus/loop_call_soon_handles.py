# status: completed
# loop.call_soon runs callbacks in FIFO order in the next iteration, with
# their arguments; Handle.cancel() stops one; cancelled() reports it; a
# callback scheduled by a callback waits for the following iteration.
import asyncio


def cb(tag, *rest):
    print("callback", tag, rest)


def chain(loop, n):
    print("chain", n)
    if n < 3:
        loop.call_soon(chain, loop, n + 1)


async def main():
    loop = asyncio.get_running_loop()
    handles = [loop.call_soon(cb, i, "x" * i) for i in range(4)]
    handles[2].cancel()
    print([h.cancelled() for h in handles])
    loop.call_soon(chain, loop, 1)
    loop.call_soon(cb, "last")
    print("before yielding")
    await asyncio.sleep(0)
    print("after one iteration")
    await asyncio.sleep(0)
    print("after two")
    await asyncio.sleep(0)
    print("after three")
    h = loop.call_soon(cb, "never")
    h.cancel()
    h.cancel()
    await asyncio.sleep(0)
    print("done", h.cancelled())


asyncio.run(main())
