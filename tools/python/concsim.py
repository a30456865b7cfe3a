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
  served when every core is held) and `io(d)` completes exactly d later
  through the loop's select(), as under concsim.

Durations are float (or int) seconds; concsim and the harness take
round(d * 1e9) nanoseconds. A negative duration raises ValueError.

Random durations come from the YAML language's distributions:
exponential(mean), uniform(low, high), normal(mean, sd), lognormal(median,
sigma), empirical(values, weights=None), in seconds (see below).
"""

import asyncio
import math
import random
import time

__all__ = ["cpu", "io", "ns", "exponential", "uniform", "normal", "lognormal", "empirical"]

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
    """Wait d seconds for non-blocking I/O: other tasks run meanwhile.

    Under concsim and the harness the operation completes exactly
    round(d * 1e9) ns on and its completion arrives as a socket's does,
    through the event loop's select() (before the timers due at the same
    time; no float arithmetic on loop.time()). Under plain CPython it is
    `await asyncio.sleep(d)`."""
    _check(d, "io")
    if _backend is not None:
        await _backend.io(d)
        return
    await asyncio.sleep(d)


def ns(n):
    """n nanoseconds, as a duration to pass to cpu, io, asyncio.sleep or
    time.sleep. Under concsim the value is exact: asyncio.sleep(ns(n)) wakes
    exactly n ns on, where asyncio.sleep(n / 1e9) wakes at the first
    nanosecond at or after loop.time() + n / 1e9, which float rounding may put
    1 ns later (CPython's arithmetic). `concsim lower --exact` writes YAML
    durations this way. Here it is n / 1e9 seconds."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("ns() takes an integer")
    return n / 1e9


# Seeded distributions: the YAML language's (configs/README.md,
# "Durations and distributions"), a draw in seconds, rounded to the
# nanosecond as concsim rounds it. Under concsim each draw comes from the
# running task's stream of the run's seed (in a server, the stream of the
# request it serves, so that a handler written in Python draws what its YAML
# twin draws); here it comes from Python's `random` (seed it with
# random.seed() for repeatable runs), so the values differ from concsim's
# and only their distribution is the same.

def _ns(x):
    # Negative draws are 0, as in concsim.
    return max(0, round(x * 1e9)) / 1e9


def _seconds(v, what, positive=False):
    _check(v, what)
    if positive and v <= 0:
        raise ValueError("%s must be positive" % what)
    return v


def exponential(mean):
    """Exponential with mean `mean` seconds."""
    return _ns(random.expovariate(1.0 / _seconds(mean, "mean", True)))


def uniform(low, high):
    """Uniform on [low, high) seconds."""
    _seconds(low, "low")
    _seconds(high, "high")
    if high < low:
        raise ValueError("high must not be below low")
    return _ns(random.uniform(low, high))


def normal(mean, sd):
    """Normal with mean `mean` and standard deviation `sd` seconds
    (negative draws are 0)."""
    return _ns(random.gauss(_seconds(mean, "mean"), _seconds(sd, "sd")))


def lognormal(median, sigma):
    """exp(normal(ln median, sigma)): half the draws are below `median`."""
    _seconds(median, "median", True)
    if not 0 <= sigma <= 10:
        raise ValueError("sigma must be from 0 to 10")
    return _ns(median * math.exp(random.gauss(0.0, sigma)))


def empirical(values, weights=None):
    """One of `values` (seconds), with probability proportional to its
    weight (default: all equal)."""
    if not values:
        raise ValueError("values must not be empty")
    for v in values:
        _seconds(v, "values")
    if weights is not None and len(weights) != len(values):
        raise ValueError("one weight per value")
    return _ns(random.choices(values, weights)[0])
