# status: completed
# Task objects: get_name, done, cancelled, result, exception, cancel, each
# returning what CPython returns before and after the task finishes.
import asyncio


async def work(x):
    await asyncio.sleep(0.1)
    return x * 2


async def fail():
    await asyncio.sleep(0.1)
    raise ValueError("failed on purpose")


async def forever():
    await asyncio.sleep(100)


async def main():
    t1 = asyncio.create_task(work(21))
    t2 = asyncio.create_task(fail(), name="failing")
    t3 = asyncio.create_task(forever())
    print(t1.get_name(), t2.get_name(), t3.get_name(), t1.done(), t1.cancelled())
    try:
        t1.result()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    await asyncio.sleep(0.2)
    print(t1.done(), t1.result(), t1.exception())
    print(t2.done(), repr(t2.exception()), t2.cancelled())
    try:
        t2.result()
    except ValueError as e:
        print("result() raised:", e)
    print("cancel:", t3.cancel(), t3.cancelled(), t3.done())
    await asyncio.sleep(0)
    print("after a loop trip:", t3.cancelled(), t3.done(), t3.cancel())
    try:
        t3.result()
    except asyncio.CancelledError:
        print("result() of a cancelled task raises CancelledError")
    t1.set_name("renamed")
    print(t1.get_name(), t1.cancel())
    return t1.result()


print(asyncio.run(main()))
