# status: completed
# Async generators driven by hand: asend/__anext__, aclose() running the
# generator's finally (GeneratorExit inside), athrow() delivering an
# exception the generator handles (yielding on) or lets escape; a closed
# generator raises StopAsyncIteration.
import asyncio


async def ticker(n):
    try:
        for i in range(n):
            try:
                await asyncio.sleep(0.1)
                yield i
            except ValueError as e:
                print("generator handled", repr(e))
                yield -1
    except GeneratorExit:
        print("GeneratorExit inside")
        raise
    finally:
        print(f"ticker finally at {asyncio.get_running_loop().time():.2f}")


async def main():
    g = ticker(10)
    print(await g.__anext__(), await anext(g))
    print("athrow ->", await g.athrow(ValueError("bad tick")))
    print(await g.asend(None))
    await g.aclose()
    try:
        await g.__anext__()
    except StopAsyncIteration:
        print("StopAsyncIteration after aclose")
    g2 = ticker(10)
    print(await anext(g2))
    try:
        await g2.athrow(KeyError("escapes"))
    except KeyError as e:
        print("escaped from athrow:", repr(e))
    try:
        await anext(g2)
    except StopAsyncIteration:
        print("exhausted after the exception escaped")
    g3 = ticker(1)
    await g3.aclose()
    print("closing an unstarted generator runs nothing")


asyncio.run(main())
