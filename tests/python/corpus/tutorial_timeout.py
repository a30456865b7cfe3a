# status: completed
# The guide's Common Pattern 1: wait_for with timeout=3.0 over a 10 s
# operation prints "Operation timed out!" at 3 s.
import asyncio


async def slow_operation():
    await asyncio.sleep(10)
    return "Done"


async def main():
    try:
        result = await asyncio.wait_for(slow_operation(), timeout=3.0)
    except asyncio.TimeoutError:
        print("Operation timed out!")


asyncio.run(main())
