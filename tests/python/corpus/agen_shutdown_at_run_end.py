# status: completed
# An async generator still suspended when main() returns is closed by
# asyncio.run's shutdown_asyncgens: its finally runs after main's last
# line (in a task that asyncio.run creates), and can still await.
import asyncio


async def stream():
    try:
        for i in range(100):
            await asyncio.sleep(0.1)
            yield i
    finally:
        print(f"stream finally at {asyncio.get_running_loop().time():.2f}")
        await asyncio.sleep(0.5)
        print(f"stream cleaned up at {asyncio.get_running_loop().time():.2f}")


async def main():
    s = stream()
    print(await anext(s), await anext(s))
    global keep
    keep = s
    print("main returns")
    return "main result"


keep = None
print(asyncio.run(main()))
print("after asyncio.run")
