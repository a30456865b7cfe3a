# mm1.yaml's handler in Python.
from concsim import cpu, exponential


async def handle(connection, request):
    cpu(exponential(0.001))
