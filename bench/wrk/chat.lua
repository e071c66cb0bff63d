-- wrk script for bench/run.sh: POSTs a small chat completion request.
-- Environment: BENCH_AUTH (the bearer key), BENCH_HEADERS (extra "Name: value" lines, newline separated),
-- BENCH_STREAM=1 to ask for SSE.
-- At the end it prints one machine-readable line starting with "BENCH " (latencies in microseconds).

wrk.method = "POST"
local stream = os.getenv("BENCH_STREAM") == "1"
wrk.body = '{"model":"bench-model","messages":[{"role":"user","content":"Say hello in five words."}],"max_tokens":16'
    .. (stream and ',"stream":true' or '') .. '}'
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = "Bearer " .. auth end
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^%s*([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format("BENCH rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d requests=%d errors=%d\n",
      summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
      latency:percentile(99.9), latency.max, summary.requests, errors))
end
