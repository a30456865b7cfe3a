# status: completed
# call_at with the same `when` for several callbacks: they pop in the order
# CPython's heapq gives (a, c, b, d for four pushed a, b, c, d), not FIFO;
# call_later timers armed one after another with the same delay fire in the
# order they were armed (separate clock reads); TimerHandle.when().
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    when = loop.time() + 0.5
    hs = [loop.call_at(when, print, "call_at", name) for name in "abcd"]
    print("whens equal:", len({h.when() for h in hs}) == 1, f"{hs[0].when():.2f}")
    for name in "wxyz":
        loop.call_later(0.2, print, "call_later", name)
    six = [loop.call_at(when + 0.5, print, "six", n) for n in range(6)]
    six[1].cancel()
    loop.call_at(when - 0.1, print, "earlier call_at")
    await asyncio.sleep(1.5)
    print(f"end at {loop.time():.2f}")


asyncio.run(main())
