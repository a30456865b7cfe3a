# status: completed
# `async for` with break: the generator is left suspended. Held in a
# variable it stays so until aclose(); an unnamed one (no reference left
# after the loop) is closed by the loop's async-generator finalizer hook
# in a new task (Task-N), one iteration later.
import asyncio


async def numbers(tag):
    try:
        i = 0
        while True:
            await asyncio.sleep(0.1)
            yield i
            i += 1
    finally:
        print(f"{tag} finally in {asyncio.current_task().get_name()}")


async def main():
    gen = numbers("held")
    async for n in gen:
        if n == 2:
            break
    print("after break, held generator not closed yet")
    await gen.aclose()
    print("aclose done")
    async for n in numbers("anonymous"):
        if n == 1:
            break
    print("after break of the anonymous one")
    await asyncio.sleep(0)
    print("one iteration later")
    await asyncio.sleep(0)
    print("two iterations later")


asyncio.run(main())
