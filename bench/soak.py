#!/usr/bin/env python3
"""Soak traffic for bench/soak.sh (issue 8): a steady mix of chat (plain and streaming), synchronous jobs, message
batches and embeddings for MINUTES at RATE requests per second, RSS of the gateway sampled every 30 s, then the ledger
check. Prints markdown rows; exits 1 on any unexpected error or a ledger that does not add up.

usage: soak.py BASE_URL ADMIN_KEY GATEWAY_PID MINUTES RATE
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

base, admin_key, gw_pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
minutes, rate = float(sys.argv[4]), float(sys.argv[5])
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port
TOPUP_MICROS = 1_000_000_000  # $1000: never runs out, so a 402 is an unexpected error
BATCH_ITEMS = 10

ok = Counter()          # successful operations by kind
items = Counter()       # usage records each kind should have written
errors = Counter()      # unexpected answers by kind and status
error_samples = []
batches = []
lock = threading.Lock()


def call(method, path, key, body=None, timeout=150):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + key})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def record(kind, status, body, usage_records=1):
    with lock:
        if 200 <= status < 300:
            ok[kind] += 1
            items[kind] += usage_records
        else:
            errors["%s %s" % (kind, status)] += 1
            if len(error_samples) < 10:
                error_samples.append("%s %s %s" % (kind, status, str(body)[:300]))


def messages(i):
    return [{"role": "user", "content": "soak question %d: what is %d plus %d?" % (i, i, i * 7)}]


def chat(key, i):
    s, b = call("POST", "/v1/chat/completions", key, {"model": "gpt-5-mini", "messages": messages(i), "max_tokens": 64})
    good = s == 200 and b["choices"][0]["message"]["content"]
    record("chat", s if good else 599, b)


def stream(key, i):
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("POST", "/v1/chat/completions", json.dumps({
            "model": "gpt-5-mini", "messages": messages(i), "max_tokens": 64, "stream": True,
            "stream_options": {"include_usage": True}}),
            {"Content-Type": "application/json", "Authorization": "Bearer " + key})
        r = conn.getresponse()
        text = r.read().decode()
        good = r.status == 200 and text.rstrip().endswith("data: [DONE]") and '"error"' not in text
        record("stream", r.status if not good and r.status != 200 else (200 if good else 598), text)
    except OSError as e:
        record("stream", 597, repr(e))
    finally:
        conn.close()


def job(key, i):
    s, b = call("POST", "/api/v1/jobs/messages", key, {"model": "gpt-5-mini", "timeout": 120, "messages": messages(i),
                                                        "response_format": {"format": "text"}})
    good = s == 200 and b["data"]["status"] == "completed"
    record("job", s if not good and s != 200 else (200 if good else 596), b)


def embedding(key, i):
    s, b = call("POST", "/v1/embeddings", key, {"model": "text-embedding-3-small", "input": "soak text %d" % i})
    good = s == 200 and len(b["data"][0]["embedding"]) > 0
    record("embedding", s if not good and s != 200 else (200 if good else 595), b)


def batch(key, i):
    reqs = [{"input": "soak batch %d item %d" % (i, n), "model": "gpt-5-mini"} for n in range(BATCH_ITEMS)]
    s, b = call("POST", "/v1/messages/batches", key, {"requests": reqs})
    if s == 200:
        with lock:
            batches.append(b["id"])
            ok["batch submitted"] += 1
    else:
        record("batch", s, b)


MIX = [(chat, 30), (stream, 25), (job, 20), (embedding, 20), (batch, 5)]


def rss_kb():
    with open("/proc/%d/status" % gw_pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def admin(method, path, body=None):
    s, b = call(method, path, admin_key, body)
    if s >= 300:
        raise SystemExit("admin %s %s: %s %s" % (method, path, s, b))
    return b


def all_usage(user_id):
    out, after = [], None
    while True:
        page = admin("GET", "/admin/v1/users/%s/usage?limit=1000%s" % (user_id, "&after=" + after if after else ""))
        out += page["data"]
        if not page["has_more"]:
            return out
        after = page["last_id"]


user = admin("POST", "/admin/v1/users", {"name": "soak", "tier": "user_max"})
key = admin("POST", "/admin/v1/users/%s/keys" % user["id"], {"name": "soak"})["key"]
admin("POST", "/admin/v1/users/%s/balance/topup" % user["id"], {"amount_micros": TOPUP_MICROS, "reason": "soak"})

rss = []
start = time.monotonic()
end = start + minutes * 60
next_sample = start
weights = [w for _, w in MIX]
with ThreadPoolExecutor(max_workers=32) as pool:
    i = 0
    t = start
    while t < end:
        now = time.monotonic()
        if now >= next_sample:
            rss.append((round(now - start), rss_kb()))
            next_sample += 30
        if now < t:
            time.sleep(t - now)
        fn = random.choices([f for f, _ in MIX], weights)[0]
        pool.submit(fn, key, i)
        i += 1
        t += 1.0 / rate
sent = i
rss.append((round(time.monotonic() - start), rss_kb()))

# every batch must end with all its items completed
for bid in batches:
    deadline = time.monotonic() + 300
    while True:
        s, b = call("GET", "/v1/messages/batches/" + bid, key)
        if s == 200 and b["status"] != "running":
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    counts = b["metadata"]["request_counts"] if s == 200 else {}
    record("batch", 200 if s == 200 and b["status"] == "completed" and counts.get("completed") == BATCH_ITEMS else 594,
           b, BATCH_ITEMS)

# settlements are written behind: wait until the usage records stop growing and nothing is held
expected = sum(items.values())
deadline = time.monotonic() + 60
while True:
    bal = admin("GET", "/admin/v1/users/%s/balance" % user["id"])
    usage = all_usage(user["id"])
    if (len(usage) >= expected and bal["reserved_micros"] == 0) or time.monotonic() > deadline:
        break
    time.sleep(1)

charged = sum(u["charged_micros"] for u in usage)
spent = TOPUP_MICROS - bal["balance_micros"]
request_ids = Counter(u["request_id"] for u in usage)
duplicates = sum(1 for c in request_ids.values() if c > 1)
unexpected = sum(errors.values())
elapsed = time.monotonic() - start
warm = [kb for s, kb in rss if s >= 120] or [kb for _, kb in rss]

print("| duration | %.1f min at %.1f requests/s (%d sent) |" % (minutes, rate, sent))
print("| succeeded | %s |" % ", ".join("%s %d" % kv for kv in sorted(ok.items())))
print("| unexpected errors | %d %s |" % (unexpected, dict(errors) if errors else ""))
print("| usage records | %d (expected %d: one per chat, stream, job, embedding and batch item); request ids used twice: %d |"
      % (len(usage), expected, duplicates))
print("| ledger | topped up %d, balance now %d: balance change %d µ$; sum of charged_micros %d µ$; reserved %d |"
      % (TOPUP_MICROS, bal["balance_micros"], spent, charged, bal["reserved_micros"]))
print("| RSS (MiB) | first %.0f, after 2 min min %.0f / max %.0f, last %.0f; samples every 30 s: %s |" % (
    rss[0][1] / 1024, min(warm) / 1024, max(warm) / 1024, rss[-1][1] / 1024,
    " ".join("%.0f" % (kb / 1024) for _, kb in rss)))
for e in error_samples:
    print("error sample:", e)
failed = unexpected > 0 or spent != charged or len(usage) != expected or duplicates > 0
print("soak: %s" % ("FAILED" if failed else "ok"))
sys.exit(1 if failed else 0)
