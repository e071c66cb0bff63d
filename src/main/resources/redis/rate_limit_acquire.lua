-- Checks and counts one request against a scope's limits, atomically (the whole script runs alone in Redis).
-- The same sliding minute as dev.tokengate.ratelimit.SlidingMinute: counts live in one-second fields for 60 seconds.
-- Redis's own clock is used, so instances with skewed clocks still share one window.
-- KEYS[1]: the window (hash): 'r<second>' requests and 't<second>' tokens counted in that second, 'R' and 'T' their
--          sums over the window, 'n' the second up to which stale seconds were dropped from the sums, 'lr' the last
--          second with a request, 'lt' the last second with tokens above zero
-- KEYS[2]: requests in flight (zset: permit -> lease end ms)
-- ARGV: requests per minute, tokens per minute, concurrent requests (0 = no limit), tokens wanted, permit id, lease ms
-- Returns: refused (0 none, 1 requests, 2 tokens, 3 concurrency), used requests, used tokens, ms until requests reset,
--          ms until tokens reset, ms until a retry can succeed, the second the request was counted in
-- An admitted request costs O(1): the running sums drop only the seconds that left the window since the last call
-- (none within a second, one per second under steady load). Only a refusal reads the whole window, for Retry-After.
local t = redis.call('TIME')
local now = tonumber(t[1])
local nowMs = now * 1000 + math.floor(tonumber(t[2]) / 1000)
local rpm, tpm, conc, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local lease = tonumber(ARGV[6])
local w, c = KEYS[1], KEYS[2]
local oldest = now - 59

local h = redis.call('HMGET', w, 'n', 'R', 'T', 'lr', 'lt')
local n = tonumber(h[1])
local usedR, usedT, lr, lt = 0, 0, 0, 0
if n and n < oldest then
  -- everything counted has left the window
  redis.call('DEL', w)
  n = nil
elseif n then
  usedR, usedT, lr, lt = tonumber(h[2]) or 0, tonumber(h[3]) or 0, tonumber(h[4]) or 0, tonumber(h[5]) or 0
  if n < now then
    -- the seconds that left the window since the last call: n - 59 .. now - 60
    local stale = {}
    for s = n - 59, now - 60 do
      stale[#stale + 1] = 'r' .. s
      stale[#stale + 1] = 't' .. s
    end
    local v = redis.call('HMGET', w, unpack(stale))
    for i = 1, #stale, 2 do
      usedR = usedR - (tonumber(v[i]) or 0)
      usedT = usedT - (tonumber(v[i + 1]) or 0)
    end
    redis.call('HDEL', w, unpack(stale))
    n = now
    redis.call('HSET', w, 'n', n, 'R', usedR, 'T', usedT)
  end
end

-- refusals only: ms until the oldest counts that add up to excess have left the window
local function untilFits(kind, excess)
  local fields = {}
  for s = oldest, now do fields[#fields + 1] = kind .. s end
  local v = redis.call('HMGET', w, unpack(fields))
  local freed = 0
  for i = 1, #v do
    freed = freed + (tonumber(v[i]) or 0)
    if freed >= excess then return (oldest + i - 1 + 60) * 1000 - nowMs end
  end
  return 60000
end

local refused, retry, active = 0, 0, 0
if rpm > 0 and usedR + 1 > rpm then
  refused, retry = 1, untilFits('r', usedR + 1 - rpm)
elseif tpm > 0 and usedT + want > tpm then
  refused = 2
  if want > tpm then retry = 60000 else retry = untilFits('t', usedT + want - tpm) end
elseif conc > 0 then
  active = redis.call('ZCARD', c)
  if active >= conc or lr ~= now then
    -- leases of instances that died: dropped when they could refuse, and once a second
    redis.call('ZREMRANGEBYSCORE', c, '-inf', nowMs)
    active = redis.call('ZCARD', c)
  end
  if active >= conc then refused, retry = 3, 1000 end
end

if refused == 0 then
  redis.call('HINCRBY', w, 'r' .. now, 1)
  if want > 0 then
    redis.call('HINCRBY', w, 't' .. now, want)
    lt = now
  end
  usedR, usedT = usedR + 1, usedT + want
  if not n or n < now then n = now end
  redis.call('HSET', w, 'n', n, 'R', usedR, 'T', usedT, 'lr', now, 'lt', lt)
  -- every count lives in a second no later than the last request's: the key must outlive that second by a minute
  if lr ~= now then redis.call('PEXPIRE', w, 61000) end
  if conc > 0 then
    redis.call('ZADD', c, nowMs + lease, ARGV[5])
    if lr ~= now or active == 0 then redis.call('PEXPIRE', c, lease + 1000) end
  end
  lr = now
end

local resetR, resetT = 0, 0
if lr >= oldest then resetR = (lr + 60) * 1000 - nowMs end
if lt >= oldest then resetT = (lt + 60) * 1000 - nowMs end
return {refused, usedR, usedT, resetR, resetT, retry, now}
