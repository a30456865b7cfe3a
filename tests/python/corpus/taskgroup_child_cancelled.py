# status: completed
# A TaskGroup child that is cancelled (here by a sibling) does not abort
# the group: CancelledError of a child is not an error; the other children
# finish and the group ends normally.
import asyncio


async def victim():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("victim cancelled")
        raise


async def killer(target_box):
    await asyncio.sleep(0.2)
    target_box[0].cancel()
    print("killer done")


async def worker():
    await asyncio.sleep(0.5)
    print("worker done")
    return "ok"


async def main():
    box = []
    async with asyncio.TaskGroup() as tg:
        box.append(tg.create_task(victim()))
        tg.create_task(killer(box))
        w = tg.create_task(worker())
    print(f"group ended at {asyncio.get_running_loop().time():.2f}", box[0].cancelled(), w.result())


asyncio.run(main())
