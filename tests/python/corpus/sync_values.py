# status: completed
# Synchronisation objects as ordinary values: in lists and dicts, passed
# to and returned from functions, stored on objects; their repr shows the
# state as CPython's does (without the object's address, which is chance).
import asyncio


def shown(obj):
    r = repr(obj)
    i = r.find(" at 0x")
    if i < 0:
        return r
    j = i + 6
    while r[j] in "0123456789abcdef":
        j += 1
    return r[:i] + r[j:]


class Account:
    def __init__(self, name):
        self.name = name
        self.lock = asyncio.Lock()
        self.balance = 0


def make_tools():
    return {"sem": asyncio.Semaphore(2), "event": asyncio.Event(), "queue": asyncio.Queue(maxsize=3)}


async def deposit(account, amount):
    async with account.lock:
        b = account.balance
        await asyncio.sleep(0.01)
        account.balance = b + amount


async def main():
    accounts = [Account("a"), Account("b")]
    await asyncio.gather(*(deposit(accounts[i % 2], i) for i in range(10)))
    print([(a.name, a.balance) for a in accounts])
    tools = make_tools()
    print(shown(tools["sem"]), shown(tools["event"]))
    await tools["sem"].acquire()
    print(shown(tools["sem"]))
    tools["event"].set()
    print(shown(tools["event"]))
    q = tools["queue"]
    await q.put("x")
    print(shown(q), str(q))
    locks = [asyncio.Lock() for _ in range(2)]
    await locks[1].acquire()
    print([shown(l) for l in locks], [l.locked() for l in locks])
    cond = asyncio.Condition()
    print(shown(cond), shown(asyncio.Barrier(2)))


asyncio.run(main())
