# status: completed
# gather without return_exceptions raises the first exception at once; the
# other children are not cancelled and finish later.
import asyncio


async def slow(n):
    await asyncio.sleep(n)
    print("slow", n, "finished")
    return n


async def bad():
    await asyncio.sleep(0.5)
    raise RuntimeError("bad child")


async def main():
    a = asyncio.create_task(slow(1))
    b = asyncio.create_task(slow(2))
    try:
        await asyncio.gather(a, bad(), b)
    except RuntimeError as e:
        print("gather raised:", e, "a done:", a.done(), "b done:", b.done())
    print(await a, await b)


asyncio.run(main())
