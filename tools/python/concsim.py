"""concsim: explicit costs in a Python program, the same under concsim and CPython.

A program that models work the machine does writes it with this module:

    import asyncio
    from concsim import cpu, io

    async def handler():
        await io(0.010)   # 10 ms of non-blocking I/O: other tasks run meanwhile
        cpu(0.002)        # 2 ms of computation: this thread holds a core, nothing else runs on it

    asyncio.run(handler())

The same file runs three ways:

- under `concsim run prog.py`, where concsim provides `cpu` and `io` itself
  and charges them to the modelled machine (cores, the event loop, threads);
- under plain CPython (with this directory on PYTHONPATH), where `cpu(d)`
  busy-waits for d seconds of wall-clock time and `io(d)` is
  `asyncio.sleep(d)`;
- under the differential harness (tools/pydiff/vclock.py), which runs real
  CPython on a virtual clock: there `cpu(d)` holds one of the modelled
  machine's cores for d seconds of virtual time (waiting first come first
  served when every core is held) and `io(d)` is `asyncio.sleep(d)` on that
  clock.

Durations are float (or int) seconds; concsim and the harness take
round(d * 1e9) nanoseconds. A negative duration raises ValueError.
"""

import asyncio
import time

__all__ = ["cpu", "io"]

# Set by the differential harness to its scheduler (an object with a
# cpu(seconds) method); None under plain CPython.
_backend = None


def _check(d, what):
    if isinstance(d, bool) or not isinstance(d, (int, float)):
        raise TypeError("%s duration must be a number of seconds, not %s"
                        % (what, type(d).__name__))
    if d != d:
        raise ValueError("%s duration must not be NaN" % what)
    if d < 0:
        raise ValueError("%s duration must be non-negative" % what)


def cpu(d):
    """Compute for d seconds on the calling thread.

    This is a blocking call: on the event loop's thread it freezes the loop for
    d seconds, as any CPU-bound Python code does. Under plain CPython it
    busy-waits on time.perf_counter(); under concsim and the harness the
    thread holds one core of the modelled machine for d seconds.
    """
    _check(d, "cpu")
    if _backend is not None:
        _backend.cpu(d)
        return
    end = time.perf_counter() + d
    while time.perf_counter() < end:
        pass


async def io(d):
    """Wait d seconds for non-blocking I/O: exactly `await asyncio.sleep(d)`
    (so io(0) is one trip through the event loop, as asyncio.sleep(0))."""
    _check(d, "io")
    await asyncio.sleep(d)


# Seeded distributions (the YAML language's exponential, uniform, normal, ...
# durations from named random streams) will be added here, so that
# `cpu(exponential(0.01, stream="service"))` gives the same draws under concsim
# and under the harness. They are not part of this version.
