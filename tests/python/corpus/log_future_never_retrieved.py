# status: completed
# A future given an exception that nobody retrieves logs "Future exception
# was never retrieved" when it is destroyed (here at `del`); one whose
# exception was looked at logs nothing.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    f.set_exception(ValueError("lost"))
    del f
    print("after del")
    g = loop.create_future()
    g.set_exception(ValueError("seen"))
    print("retrieved:", repr(g.exception()))
    del g
    print("end")


asyncio.run(main())
