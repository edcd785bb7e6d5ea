import time
from tests.chat import running, GROUP, SECRETARY, services, OTHER_GROUP
from tests.workload import set_up_province, fingerprint, refusal_key, refusal_patterns

async def test_exp(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        t0 = time.perf_counter()
        await set_up_province(conv, fake)
        t1 = time.perf_counter()
        for i in range(50):
            r = await conv.ask(GROUP, SECRETARY, "/show 1")
        t2 = time.perf_counter()
        for i in range(20):
            await fingerprint(services(conv).db)
        t3 = time.perf_counter()
        print("setup", t1-t0, "per send", (t2-t1)/50, "fp", (t3-t2)/20, len(refusal_patterns()))
        for n in range(1, 11):
            print(n, (await conv.ask(GROUP, SECRETARY, f"/show {n}"))[:80])
        print((await conv.ask(OTHER_GROUP, SECRETARY, f"/show 1"))[:80])
        print(refusal_key(await conv.ask(GROUP, SECRETARY, "/show 99")))
