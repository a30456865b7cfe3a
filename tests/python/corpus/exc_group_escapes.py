# status: failed
# An except* that does not match everything: the rest leaves the function
# and the program, as an ExceptionGroup of the unmatched part.
import asyncio


async def fail_both():
    try:
        raise ExceptionGroup("two problems", [ValueError("handled"), KeyError("unhandled")])
    except* ValueError as eg:
        print("handled:", eg.exceptions)


async def main():
    await fail_both()


asyncio.run(main())
