# The default workload's handler (configs/default.yaml) as a Python function:
# configs/python-server/server.yaml serves its requests with it. The server
# calls handle(connection, request) for each request: `connection` is the
# connection's number (0 .. connections - 1), `request` the request's number
# on that connection (0, 1, ...). It runs unchanged under CPython too
# (tools/python/concsim.py stands in for concsim's module).
from concsim import cpu, io, exponential


async def handle(connection, request):
    await io(exponential(0.001))   # read the request
    cpu(50e-6)                     # parse
    await io(exponential(0.005))   # database query
    cpu(100e-6)                    # render
    await io(0.001)                # write the response
