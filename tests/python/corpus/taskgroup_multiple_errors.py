# status: completed
# Two children fail at different times and a third with a different type:
# the first failure cancels the rest; a child that fails while being
# cancelled (in its except CancelledError) adds its error too. The group's
# ExceptionGroup holds them in the order they happened.
import asyncio


async def fail_at(delay, exc):
    await asyncio.sleep(delay)
    raise exc


async def fail_on_cancel():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        raise KeyError("raised while cancelled")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail_at(0.1, ValueError("v")))
            tg.create_task(fail_on_cancel())
            tg.create_task(fail_at(0.1, TypeError("t")))
    except ExceptionGroup as eg:
        print("message:", eg.message)
        print("str:", str(eg))
        for e in eg.exceptions:
            print(" ", type(e).__name__, repr(e))
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail_at(0.1, ValueError("one")))
            tg.create_task(fail_at(0.2, OSError("two")))
    except* ValueError as eg:
        print("ValueError part:", repr(eg))
    except* OSError as eg:
        print("OSError part:", repr(eg))


asyncio.run(main())
