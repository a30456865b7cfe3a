# status: completed
# Exceptions as values inside tasks: add_note and __notes__, __context__
# and __cause__ across await, raise ... from None, and an exception group
# whose members carry notes.
import asyncio


async def parse(text):
    try:
        return int(text)
    except ValueError as e:
        e.add_note(f"while parsing {text!r}")
        raise


async def load(text):
    try:
        return await parse(text)
    except ValueError as e:
        raise LookupError("cannot load") from e


async def quiet(text):
    try:
        return await parse(text)
    except ValueError:
        raise KeyError(text) from None


async def main():
    try:
        await load("x1")
    except LookupError as e:
        cause = e.__cause__
        print(repr(e), repr(cause), cause.__notes__, e.__suppress_context__)
    try:
        await quiet("y2")
    except KeyError as e:
        print(repr(e), e.__cause__, e.__suppress_context__, type(e.__context__).__name__)
    results = await asyncio.gather(parse("1"), parse("two"), return_exceptions=True)
    print(results[0], repr(results[1]), results[1].__notes__)
    eg = ExceptionGroup("batch", [r for r in results if isinstance(r, Exception)])
    print(repr(eg), [e.__notes__ for e in eg.exceptions])


asyncio.run(main())
