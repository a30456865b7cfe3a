# status: completed
# TimerHandle.cancel() before the deadline: the callback never runs; the
# loop's clock (loop.time()) advances only when it sleeps to the next
# timer; call_later with delay 0 runs in the next iteration after ready
# callbacks; a repeating timer re-arms itself from its own callback.
import asyncio


def tick(loop, n, stop):
    print(f"tick {n} at {loop.time():.3f}")
    if n < 3:
        loop.call_later(0.1, tick, loop, n + 1, stop)
    else:
        stop.set_result(n)


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    h = loop.call_later(0.3, print, "cancelled timer")
    h2 = loop.call_later(0.2, print, "kept timer")
    h.cancel()
    print("cancelled:", h.cancelled(), h2.cancelled())
    loop.call_later(0, print, "delay 0")
    loop.call_soon(print, "soon")
    stop = loop.create_future()
    loop.call_later(0.05, tick, loop, 1, stop)
    print("ticks:", await stop)
    print(f"elapsed {loop.time() - t0:.3f}")
    await asyncio.sleep(0.5)


asyncio.run(main())
