# status: completed
# TaskGroup's misuse errors: create_task before entering, after the group
# finished, entering twice; and a group with no children exits at once.
import asyncio


async def nothing():
    return 1


async def main():
    tg = asyncio.TaskGroup()
    coro = nothing()
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        print("before entering:", "has not been entered" in str(e))
    coro.close()
    async with tg:
        pass
    print("empty group done")
    coro = nothing()
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        print("after exit:", "is finished" in str(e))
    coro.close()
    try:
        async with tg:
            pass
    except RuntimeError as e:
        print("entered twice:", str(e).split(">")[-1])
    async with asyncio.TaskGroup() as g2:
        t = g2.create_task(nothing(), name="one")
    print(t.get_name(), t.result())


asyncio.run(main())
