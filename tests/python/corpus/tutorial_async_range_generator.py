# status: completed
# The guide's async_range async generator.
import asyncio


async def async_range(start, end):
    """Async generator - simpler than async iterator."""
    for i in range(start, end):
        await asyncio.sleep(0.1)
        yield i


async def main():
    async for number in async_range(0, 5):
        print(number)


asyncio.run(main())
