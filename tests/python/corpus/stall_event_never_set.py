# status: stalled
# A task waits on an Event that nothing will set, and no timer is left:
# CPython would wait forever; the run stops as stalled at 0.5 s.
import asyncio


async def main():
    ev = asyncio.Event()
    await asyncio.sleep(0.5)
    print("waiting for an event nobody sets")
    await ev.wait()
    print("not reached")


asyncio.run(main())
