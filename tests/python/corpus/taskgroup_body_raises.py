# status: completed
# The body of `async with TaskGroup()` raises: the children are cancelled
# and the body's exception joins the group's ExceptionGroup. A child that
# had already finished keeps its result.
import asyncio


async def child(name, delay):
    try:
        await asyncio.sleep(delay)
        return name
    finally:
        print(f"{name} leaves at {asyncio.get_running_loop().time():.2f}")


async def main():
    done = None
    try:
        async with asyncio.TaskGroup() as tg:
            done = tg.create_task(child("quick", 0.1))
            tg.create_task(child("long", 10))
            await asyncio.sleep(0.5)
            raise RuntimeError("body failed")
    except* RuntimeError as eg:
        print("caught", [str(e) for e in eg.exceptions])
    print(done.result(), done.done())


asyncio.run(main())
