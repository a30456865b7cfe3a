# status: completed
# A class with __aiter__/__anext__ (the tutorial's AsyncRange), used with
# async for and in an async comprehension, StopAsyncIteration ending it.
import asyncio


class Countdown:
    def __init__(self, start):
        self.n = start

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n <= 0:
            raise StopAsyncIteration
        await asyncio.sleep(0.1)
        self.n -= 1
        return self.n + 1


async def main():
    async for n in Countdown(3):
        print("got", n)
    values = [n * 10 async for n in Countdown(2)]
    print(values)
    it = Countdown(1).__aiter__()
    print(await it.__anext__())
    try:
        await it.__anext__()
    except StopAsyncIteration:
        print("exhausted")


asyncio.run(main())
