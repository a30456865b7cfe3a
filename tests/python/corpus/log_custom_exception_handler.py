# status: completed
# loop.set_exception_handler: a program's handler receives the context
# dict (message, exception, ...) instead of the default log; the default
# handler can be called from it; get_exception_handler returns it.
import asyncio


def handler(loop, context):
    print("handler got:", context["message"], repr(context.get("exception")))


def broken():
    raise KeyError("in callback")


async def main():
    loop = asyncio.get_running_loop()
    print(loop.get_exception_handler())
    loop.set_exception_handler(handler)
    print(loop.get_exception_handler() is handler)
    loop.call_soon(broken)
    await asyncio.sleep(0.1)
    loop.call_exception_handler({"message": "a custom report"})
    loop.set_exception_handler(None)
    loop.call_exception_handler({"message": "to the default handler"})
    await asyncio.sleep(0.1)


asyncio.run(main())
