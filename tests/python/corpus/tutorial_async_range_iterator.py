# status: completed
# The guide's AsyncRange async iterator class.
import asyncio


class AsyncRange:
    def __init__(self, start, end):
        self.current = start
        self.end = end

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.current >= self.end:
            raise StopAsyncIteration

        await asyncio.sleep(0.1)  # Simulate async operation
        self.current += 1
        return self.current - 1


async def main():
    async for number in AsyncRange(0, 5):
        print(number)


asyncio.run(main())
