# status: completed
# A task still running when main() returns is cancelled by asyncio.run; if
# it answers the cancellation with another exception, asyncio.run logs
# "unhandled exception during asyncio.run() shutdown". (One leftover task:
# asyncio.run cancels several in set order.)
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("stubborn cancelled, failing instead")
        raise RuntimeError("refusing to stop")


async def main():
    asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0.1)
    print("main returns")


asyncio.run(main())
print("program continues")
