# status: completed
# Task-N numbering as CPython's: a counter advanced by every task created
# without a name (create_task, ensure_future, gather and wait_for of a
# coroutine), not by named ones; set_name renames; names may be any value
# (str() of it).
import asyncio


async def who(tag):
    print(tag, asyncio.current_task().get_name())
    return tag


async def main():
    a = asyncio.create_task(who("a"))
    b = asyncio.create_task(who("b"), name="named")
    c = asyncio.create_task(who("c"))
    d = asyncio.ensure_future(who("d"))
    await asyncio.gather(a, b, c, d)
    await asyncio.gather(who("g1"), who("g2"))
    await asyncio.wait_for(who("wf"), 1)
    e = asyncio.create_task(who("e"), name=12345)
    await e
    print(repr(e.get_name()))
    e.set_name(("tuple", 1))
    print(repr(e.get_name()))
    f = asyncio.create_task(who("f"))
    await f
    print([t.get_name() for t in (a, b, c, d, f)])


asyncio.run(main())
