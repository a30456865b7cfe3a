# status: completed
# A task cancelled before its first step never runs its body; cancelling a
# finished task returns False.
import asyncio


async def body(label):
    print("body of", label, "runs")
    return label


async def main():
    t = asyncio.create_task(body("never"))
    print("cancel:", t.cancel())
    u = asyncio.create_task(body("runs"))
    results = await asyncio.gather(t, u, return_exceptions=True)
    print([type(r).__name__ for r in results], t.cancelled())
    print("cancel finished:", u.cancel())


asyncio.run(main())
