# status: completed
# A Timeout's states in its repr: created, active (with when), expired,
# finished; when() before entering; timeout(None) never expires.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    cm = asyncio.timeout(0.25)
    print(repr(cm), f"{cm.when():.2f}")
    async with cm:
        print(repr(cm))
        await asyncio.sleep(0.1)
    print(repr(cm), cm.expired())
    t2 = asyncio.timeout(0.1)
    try:
        async with t2:
            await asyncio.sleep(1)
    except TimeoutError:
        print(repr(t2), t2.expired())
    async with asyncio.timeout(None) as never:
        await asyncio.sleep(2)
        print(repr(never), never.when())
    print(f"end {loop.time():.2f}")


asyncio.run(main())
