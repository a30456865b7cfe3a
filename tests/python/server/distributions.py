# distributions.yaml's handler in Python: the same draws, in the same order.
import asyncio

import concsim


async def handle(connection, request):
    concsim.cpu(concsim.uniform(10e-6, 200e-6))
    await concsim.io(concsim.exponential(0.002))
    await concsim.io(concsim.normal(0.001, 0.002))
    concsim.cpu(concsim.lognormal(50e-6, 0.8))
    await concsim.io(concsim.empirical([0.001, 0.009, 0.040], [6, 3, 1]))
    await asyncio.sleep(concsim.exponential(0.0005))


if __name__ == "__main__":
    # Run alone under CPython (tools/python on PYTHONPATH): one request.
    asyncio.run(handle(0, 0))
