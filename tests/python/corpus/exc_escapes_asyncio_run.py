# status: failed
# An exception raised in a coroutine escapes asyncio.run and the module:
# the traceback names each frame of the program.
import asyncio


async def parse(text):
    await asyncio.sleep(0.1)
    return int(text)


async def main():
    print("parsing")
    values = [await parse(t) for t in ("1", "2", "three")]
    print("not reached", values)


asyncio.run(main())
