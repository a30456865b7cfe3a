# status: completed
# asyncio.sleep(delay, result) returns result; sleep(0, result) too; a
# negative delay is the same as 0; the result can be any value.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    print(await asyncio.sleep(0.1, "hello"), f"{loop.time():.2f}")
    print(await asyncio.sleep(0, [1, 2]))
    print(await asyncio.sleep(-1, result=42), f"{loop.time():.2f}")
    print(await asyncio.sleep(0.05))
    got = await asyncio.gather(asyncio.sleep(0.2, "a"), asyncio.sleep(0.1, "b"))
    print(got, f"{loop.time():.2f}")
    t = asyncio.create_task(asyncio.sleep(0.3, {"k": 1}))
    print(await t, t.get_name())


asyncio.run(main())
