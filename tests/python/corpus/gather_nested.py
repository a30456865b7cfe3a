# status: completed
# gather of gathers, of tasks and coroutines mixed, of nothing, and of the
# same task twice; results keep argument order.
import asyncio


async def val(x, d):
    await asyncio.sleep(d)
    print("val", x)
    return x


async def main():
    print(await asyncio.gather())
    inner1 = asyncio.gather(val("a", 0.3), val("b", 0.1))
    inner2 = asyncio.gather(val("c", 0.2), val("d", 0.0))
    print(await asyncio.gather(inner1, inner2))
    t = asyncio.create_task(val("t", 0.1))
    print(await asyncio.gather(t, val("x", 0.05), t))


asyncio.run(main())
