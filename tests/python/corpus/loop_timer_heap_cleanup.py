# status: completed
# Many call_at timers with equal deadlines, most of them cancelled: when
# more than 100 timers are scheduled and more than half are cancelled,
# _run_once rebuilds the heap (heapify), which changes the order in which
# the equal deadlines pop. concsim must follow heapq exactly.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    fired = []
    when = loop.time() + 1
    handles = [loop.call_at(when, fired.append, i) for i in range(150)]
    for i, h in enumerate(handles):
        if i % 3 != 0:
            h.cancel()
    loop.call_at(when - 0.5, fired.append, "early")
    await asyncio.sleep(2)
    print(len(fired))
    print(fired[:20])
    print(fired[20:])


asyncio.run(main())
