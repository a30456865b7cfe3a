# status: completed
# add_done_callback / remove_done_callback on tasks and futures: callbacks
# run in the order added, one loop iteration after the task ends, with the
# future as argument; removing returns how many were removed; a callback
# added to a done future is scheduled at once.
import asyncio


def make_cb(label):
    def cb(fut):
        print(f"{label}: done={fut.done()} result={fut.result()!r}")
    return cb


async def work():
    await asyncio.sleep(0.1)
    return "value"


async def main():
    t = asyncio.create_task(work())
    first, second, third = make_cb("first"), make_cb("second"), make_cb("third")
    t.add_done_callback(first)
    t.add_done_callback(second)
    t.add_done_callback(third)
    t.add_done_callback(second)
    print("removed", t.remove_done_callback(second))
    print("removed", t.remove_done_callback(second))
    await t
    print("after await")
    await asyncio.sleep(0)
    print("one iteration later")
    t.add_done_callback(make_cb("late"))
    print("added late")
    await asyncio.sleep(0)
    fut = asyncio.get_running_loop().create_future()
    fut.add_done_callback(lambda f: print("future callback:", f.exception()))
    fut.set_exception(KeyError("k"))
    await asyncio.sleep(0)


asyncio.run(main())
