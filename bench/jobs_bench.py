#!/usr/bin/env python3
"""Job API and message batch benchmark against a running gateway (see bench/jobs.sh, which starts one).

Measures, with the zero-latency simulated model:
  1. synchronous job overhead: p50 of POST /api/v1/jobs/messages minus p50 of the same chat completion, sequential;
  2. jobs per second: synchronous jobs from N client threads, end to end (each answer is the finished job);
  3. a message batch of M requests: time from POST /v1/messages/batches to status completed, and items per second.
Every request differs, so the message cache never answers.
"""
import json, sys, threading, time, urllib.request

base, key = sys.argv[1], sys.argv[2]
seq_n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
par_n = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 32
batch_n = int(sys.argv[6]) if len(sys.argv) > 6 else 10000
H = {"Content-Type": "application/json", "Authorization": "Bearer " + key}


def post(path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=H, method="POST")
    with urllib.request.urlopen(req, timeout=150) as r:
        return r.status, json.loads(r.read())


def get(path):
    with urllib.request.urlopen(urllib.request.Request(base + path, headers=H), timeout=60) as r:
        return json.loads(r.read())


def job(i):
    return {"model": "gpt-5-mini", "timeout": 120, "response_format": {"format": "text"},
            "messages": [{"role": "user", "content": "benchmark question %d" % i}]}


def chat(i):
    return {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "benchmark question %d" % i}]}


def p50(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def timed(fn):
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


for i in range(200):  # warm-up
    post("/v1/chat/completions", chat(-i))
    post("/api/v1/jobs/messages", job(-i - 1000))

chat_ms = [timed(lambda i=i: post("/v1/chat/completions", chat(10_000 + i))) for i in range(seq_n)]
job_ms = []
for i in range(seq_n):
    t = time.perf_counter()
    status, body = post("/api/v1/jobs/messages", job(20_000 + i))
    assert status == 200 and body["data"]["status"] == "completed", body
    job_ms.append((time.perf_counter() - t) * 1000)
print("| synchronous job p50 | %.2f ms |" % p50(job_ms))
print("| same chat completion p50 | %.2f ms |" % p50(chat_ms))
print("| job overhead at p50 | %.2f ms |" % (p50(job_ms) - p50(chat_ms)))

counter = iter(range(par_n))
lock = threading.Lock()
failures = []


def worker():
    while True:
        with lock:
            i = next(counter, None)
        if i is None:
            return
        status, body = post("/api/v1/jobs/messages", job(100_000 + i))
        if status != 200:
            failures.append(body)


t = time.perf_counter()
ts = [threading.Thread(target=worker) for _ in range(threads)]
[x.start() for x in ts]
[x.join() for x in ts]
elapsed = time.perf_counter() - t
print("| synchronous jobs per second (%d jobs, %d client threads) | %.0f jobs/s (%d not 200) |" % (par_n, threads, par_n / elapsed, len(failures)))

requests = [{"input": "batch item %d" % i, "model": "gpt-5-mini"} for i in range(batch_n)]
t = time.perf_counter()
status, created = post("/v1/messages/batches", {"requests": requests})
assert status == 200, created
while True:
    b = get("/v1/messages/batches/" + created["id"])
    if b["status"] != "running":
        break
    time.sleep(0.2)
elapsed = time.perf_counter() - t
rc = b["metadata"]["request_counts"]
print("| message batch of %d: %s in %.1f s | %.0f items/s (completed %d, failed %d) |" % (
    batch_n, b["status"], elapsed, batch_n / elapsed, rc["completed"], rc["failed"]))
