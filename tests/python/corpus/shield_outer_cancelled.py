# status: completed
# asyncio.shield: cancelling the task that awaits a shielded task cancels
# only the outer future; the inner task keeps running and its result can
# be collected later.
import asyncio


async def important():
    await asyncio.sleep(1)
    print("important work finished")
    return "saved"


async def waiter(inner):
    try:
        return await asyncio.shield(inner)
    except asyncio.CancelledError:
        print("waiter cancelled; inner done?", inner.done())
        raise


async def main():
    loop = asyncio.get_running_loop()
    inner = asyncio.create_task(important())
    w = asyncio.create_task(waiter(inner))
    await asyncio.sleep(0.3)
    w.cancel()
    await asyncio.sleep(0)
    print("waiter cancelled:", w.cancelled(), "inner cancelled:", inner.cancelled())
    print("result:", await inner, f"at {loop.time():.2f}")


asyncio.run(main())
