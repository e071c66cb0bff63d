#!/usr/bin/env python3
"""Soak traffic for bench/soak.sh (issue 8): a steady mix of chat (plain and streaming), synchronous jobs, message
batches and embeddings for MINUTES at RATE requests per second, RSS of the gateway sampled every 30 s, then the ledger
check. Prints markdown rows; exits 1 on any unexpected error, a ledger that does not add up, usage records that do not
match the requests one to one, or RSS that still grows over the second half (SOAK_MAX_SLOPE, MiB per minute).

The client waits DEADLINE_S (300 s, env SOAK_DEADLINE) for any answer, thousands of times what a request takes here
(the simulated model answers after 50 ms): a client that gives up after that is counted as an unexpected error, never
excused. Chat, streams and embeddings carry their own X-Request-Id, so each one is matched to the usage record the
gateway wrote for it, and for a request the client did not get through, the report shows what the gateway recorded.

usage: soak.py BASE_URL ADMIN_KEY GATEWAY_PID MINUTES RATE
"""
import http.client
import json
import os
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
DEADLINE_S = float(os.environ.get("SOAK_DEADLINE", "300"))
MAX_SLOPE = float(os.environ.get("SOAK_MAX_SLOPE", "0.5"))

ok = Counter()          # successful operations by kind
items = Counter()       # usage records each kind should have written
errors = Counter()      # unexpected answers by kind and status
error_samples = []
batches = []
latencies = {}         # seconds from sending to the whole answer, by kind
tagged = {}            # X-Request-Id -> (kind, succeeded) for requests billed under the client's id
lock = threading.Lock()
CLIENT_GAVE_UP = 597   # no answer within DEADLINE_S, or the connection failed


def call(method, path, key, body=None, request_id=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + key}
    if request_id:
        headers["X-Request-Id"] = request_id
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except OSError as e:  # a timeout or a refused or reset connection
        return CLIENT_GAVE_UP, repr(e)


def record(kind, status, body, usage_records=1, request_id=None, seconds=None):
    with lock:
        good = 200 <= status < 300
        if request_id:
            tagged[request_id] = (kind, good)
        if seconds is not None:
            latencies.setdefault(kind, []).append(seconds)
        if good:
            ok[kind] += 1
            items[kind] += usage_records
        else:
            errors["%s %s" % (kind, status)] += 1
            if len(error_samples) < 10:
                error_samples.append("%s %s %s %s" % (kind, status, request_id or "", str(body)[:300]))


def timed(kind, fn):
    """Runs one operation: its answer is recorded by fn; a crash of the client code itself is an error too."""
    def run(key, i):
        try:
            fn(key, i, time.monotonic())
        except Exception as e:  # noqa: BLE001 - a failure of the check must not vanish inside the thread pool
            record(kind, 590, repr(e))
    return run


def messages(i):
    return [{"role": "user", "content": "soak question %d: what is %d plus %d?" % (i, i, i * 7)}]


def outcome(s, good, wrong_answer):
    """The status to record: the gateway's own when it was not a 200, a marker when a 200 carried a wrong answer."""
    return s if s != 200 else (200 if good else wrong_answer)


def chat(key, i, t0):
    rid = "soak-chat-%d" % i
    s, b = call("POST", "/v1/chat/completions", key, {"model": "gpt-5-mini", "messages": messages(i), "max_tokens": 64},
                rid)
    good = s == 200 and bool(b["choices"][0]["message"]["content"])
    record("chat", outcome(s, good, 599), b, request_id=rid, seconds=time.monotonic() - t0)


def stream(key, i, t0):
    rid = "soak-stream-%d" % i
    conn = http.client.HTTPConnection(host, port, timeout=DEADLINE_S)
    try:
        conn.request("POST", "/v1/chat/completions", json.dumps({
            "model": "gpt-5-mini", "messages": messages(i), "max_tokens": 64, "stream": True,
            "stream_options": {"include_usage": True}}),
            {"Content-Type": "application/json", "Authorization": "Bearer " + key, "X-Request-Id": rid})
        r = conn.getresponse()
        text = r.read().decode()
        good = r.status == 200 and text.rstrip().endswith("data: [DONE]") and '"error"' not in text
        record("stream", outcome(r.status, good, 598), text, request_id=rid, seconds=time.monotonic() - t0)
    except OSError as e:
        record("stream", CLIENT_GAVE_UP, repr(e), request_id=rid, seconds=time.monotonic() - t0)
    finally:
        conn.close()


def job(key, i, t0):
    s, b = call("POST", "/api/v1/jobs/messages", key, {"model": "gpt-5-mini", "timeout": 120, "messages": messages(i),
                                                        "response_format": {"format": "text"}})
    good = s == 200 and b["data"]["status"] == "completed"
    record("job", outcome(s, good, 596), b, seconds=time.monotonic() - t0)


def embedding(key, i, t0):
    rid = "soak-embedding-%d" % i
    s, b = call("POST", "/v1/embeddings", key, {"model": "text-embedding-3-small", "input": "soak text %d" % i}, rid)
    good = s == 200 and len(b["data"][0]["embedding"]) > 0
    record("embedding", outcome(s, good, 595), b, request_id=rid, seconds=time.monotonic() - t0)


def batch(key, i, t0):
    reqs = [{"input": "soak batch %d item %d" % (i, n), "model": "gpt-5-mini"} for n in range(BATCH_ITEMS)]
    s, b = call("POST", "/v1/messages/batches", key, {"requests": reqs})
    with lock:
        latencies.setdefault("batch submit", []).append(time.monotonic() - t0)
    if s == 200:
        with lock:
            batches.append(b["id"])
            ok["batch submitted"] += 1
    else:
        record("batch", s, b)


MIX = [(timed("chat", chat), 30), (timed("stream", stream), 25), (timed("job", job), 20),
       (timed("embedding", embedding), 20), (timed("batch", batch), 5)]


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

# one usage record per request the client got an answer for, matched by the request's own id where it has one
by_id = {}
for u in usage:
    by_id.setdefault(u["request_id"], []).append(u)
missing = sorted(rid for rid, (_, good) in tagged.items() if good and rid not in by_id)
gave_up = {rid: [(u["status"], u["latency_ms"]) for u in by_id.get(rid, [])]
           for rid, (_, good) in tagged.items() if not good}
untagged = [u for u in usage if u["request_id"] not in tagged]
failed_jobs = sum(c for k, c in errors.items() if k.startswith("job "))
expected_untagged = items["job"] + items["batch"]
untagged_ok = expected_untagged <= len(untagged) <= expected_untagged + failed_jobs


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def slope_mib_per_min(samples):
    """Least squares over the second half of (seconds, KiB) samples."""
    half = samples[len(samples) // 2:]
    n = len(half)
    if n < 2:
        return 0.0
    xs = [t / 60 for t, _ in half]
    ys = [kb / 1024 for _, kb in half]
    mx, my = sum(xs) / n, sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


warm = [kb for s, kb in rss if s >= 120] or [kb for _, kb in rss]
slope = slope_mib_per_min(rss)

print("| duration | %.1f min at %.1f requests/s (%d sent); client deadline %.0f s |" % (minutes, rate, sent, DEADLINE_S))
print("| succeeded | %s |" % ", ".join("%s %d" % kv for kv in sorted(ok.items())))
print("| unexpected errors | %d %s |" % (unexpected, dict(errors) if errors else ""))
print("| latency (s) p50 / p99 / max | %s |" % "; ".join(
    "%s %.2f / %.2f / %.2f" % (k, percentile(v, 0.5), percentile(v, 0.99), max(v)) for k, v in sorted(latencies.items())))
print("| usage records | %d (expected %d: one per chat, stream, job, embedding and batch item); answered requests "
      "without their record: %d; jobs and batch items: %d records for %d; request ids used twice: %d |"
      % (len(usage), expected, len(missing), len(untagged), expected_untagged, duplicates))
if gave_up:
    print("| not answered: what the gateway recorded | %s |" % "; ".join(
        "%s: %s" % (rid, recs or "nothing") for rid, recs in sorted(gave_up.items())[:20]))
print("| ledger | topped up %d, balance now %d: balance change %d µ$; sum of charged_micros %d µ$; reserved %d |"
      % (TOPUP_MICROS, bal["balance_micros"], spent, charged, bal["reserved_micros"]))
print("| RSS (MiB) | first %.0f, after 2 min min %.0f / max %.0f, last %.0f; slope over the second half %+.2f MiB/min "
      "(at most %.2f); samples every 30 s: %s |" % (
          rss[0][1] / 1024, min(warm) / 1024, max(warm) / 1024, rss[-1][1] / 1024, slope, MAX_SLOPE,
          " ".join("%.0f" % (kb / 1024) for _, kb in rss)))
for e in error_samples:
    print("error sample:", e)
failures = [name for name, bad in [
    ("unexpected errors", unexpected > 0), ("ledger", spent != charged), ("reserved left", bal["reserved_micros"] != 0),
    ("answered requests without a usage record", bool(missing)), ("job and batch usage records", not untagged_ok),
    ("request ids used twice", duplicates > 0), ("RSS still growing", slope > MAX_SLOPE)] if bad]
print("soak: %s" % ("FAILED: " + ", ".join(failures) if failures else "ok"))
sys.exit(1 if failures else 0)
