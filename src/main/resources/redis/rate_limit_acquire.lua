-- Checks and counts one request against a scope's limits, atomically (the whole script runs alone in Redis).
-- The same sliding minute as dev.tokengate.ratelimit.SlidingMinute: counts live in one-second fields for 60 seconds.
-- Redis's own clock is used, so instances with skewed clocks still share one window.
-- KEYS[1]: requests by second (hash)   KEYS[2]: tokens by second (hash)   KEYS[3]: requests in flight (zset: permit -> lease end ms)
-- ARGV: requests per minute, tokens per minute, concurrent requests (0 = no limit), tokens wanted, permit id, lease ms
-- Returns: refused (0 none, 1 requests, 2 tokens, 3 concurrency), used requests, used tokens, ms until requests reset,
--          ms until tokens reset, ms until a retry can succeed, the second the request was counted in
local t = redis.call('TIME')
local now = tonumber(t[1])
local nowMs = now * 1000 + math.floor(tonumber(t[2]) / 1000)
local rpm, tpm, conc, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local lease = tonumber(ARGV[6])
local oldest = now - 59

local function load(key)
  local flat = redis.call('HGETALL', key)
  local secs, counts, used, stale = {}, {}, 0, {}
  for i = 1, #flat, 2 do
    local s = tonumber(flat[i])
    if s < oldest then
      stale[#stale + 1] = flat[i]
    else
      secs[#secs + 1] = s
      counts[s] = tonumber(flat[i + 1])
      used = used + counts[s]
    end
  end
  if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
  table.sort(secs)
  return secs, counts, used
end

local function untilFits(secs, counts, excess)
  local freed = 0
  for _, s in ipairs(secs) do
    freed = freed + counts[s]
    if freed >= excess then return (s + 60) * 1000 - nowMs end
  end
  return 60000
end

local function untilEmpty(secs, counts)
  for i = #secs, 1, -1 do
    if counts[secs[i]] > 0 then return (secs[i] + 60) * 1000 - nowMs end
  end
  return 0
end

local rs, rc, usedR = load(KEYS[1])
local ts, tc, usedT = load(KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', nowMs)
local active = redis.call('ZCARD', KEYS[3])

local refused, retry = 0, 0
if rpm > 0 and usedR + 1 > rpm then
  refused, retry = 1, untilFits(rs, rc, usedR + 1 - rpm)
elseif tpm > 0 and usedT + want > tpm then
  refused = 2
  if want > tpm then retry = 60000 else retry = untilFits(ts, tc, usedT + want - tpm) end
elseif conc > 0 and active >= conc then
  refused, retry = 3, 1000
end

if refused == 0 then
  redis.call('HINCRBY', KEYS[1], now, 1)
  redis.call('PEXPIRE', KEYS[1], 61000)
  if want > 0 then
    redis.call('HINCRBY', KEYS[2], now, want)
    redis.call('PEXPIRE', KEYS[2], 61000)
  end
  redis.call('ZADD', KEYS[3], nowMs + lease, ARGV[5])
  redis.call('PEXPIRE', KEYS[3], lease)
  usedR, usedT = usedR + 1, usedT + want
  rs[#rs + 1], rc[now] = now, (rc[now] or 0) + 1
  if want > 0 then ts[#ts + 1], tc[now] = now, (tc[now] or 0) + want end
  table.sort(rs)
  table.sort(ts)
end

return {refused, usedR, usedT, untilEmpty(rs, rc), untilEmpty(ts, tc), retry, now}
