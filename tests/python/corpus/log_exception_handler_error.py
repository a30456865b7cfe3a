# status: completed
# A program's exception handler that itself raises: the default handler
# reports "Unhandled error in exception handler" with the context it was
# given, and the loop carries on.
import asyncio


def bad_handler(loop, context):
    print("handler called with:", context["message"])
    raise RuntimeError("the handler broke")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(bad_handler)
    loop.call_exception_handler({"message": "first report"})
    print("after the report")
    try:
        loop.set_exception_handler("not callable")
    except TypeError as e:
        print("TypeError:", e)
    await asyncio.sleep(0.1)
    print("loop still runs")


asyncio.run(main())
