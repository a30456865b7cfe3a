# status: failed
# wait_for's TimeoutError, not caught, escapes the program.
import asyncio


async def main():
    print("waiting at most 0.5 s")
    await asyncio.wait_for(asyncio.sleep(3), timeout=0.5)


asyncio.run(main())
