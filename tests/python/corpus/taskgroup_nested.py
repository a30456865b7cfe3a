# status: completed
# Nested TaskGroups: an inner group's failure is an ExceptionGroup inside
# the outer group's, and the outer group cancels its other children.
import asyncio


async def leaf(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(name)
    print(f"{name} ok")


async def inner_group():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(leaf("inner-ok", 0.1))
        tg.create_task(leaf("inner-bad", 0.2, fail=True))


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(inner_group())
            tg.create_task(leaf("outer-slow", 1.0))
    except* ValueError as eg:
        print("outer caught:", repr(eg))
        inner = eg.exceptions[0]
        print("inner group:", type(inner).__name__, inner.exceptions)
    print(f"at {asyncio.get_running_loop().time():.2f}")


asyncio.run(main())
