-- Releases and acquires of one scope, in one atomic step (the whole script runs alone in Redis): first the releases
-- (each frees its permit's concurrency slot and corrects its counted tokens to the actual usage), then each acquire in
-- turn (checks a request against the limits and counts it, or refuses it and counts nothing), each seeing the ones
-- before it. The same sliding minute as dev.tokengate.ratelimit.SlidingMinute: counts live in one-second fields for 60
-- seconds. Redis's own clock is used, so instances with skewed clocks still share one window.
-- KEYS[1]: the window (hash): 'r<second>' and 't<second>' the requests and tokens counted in that second, 'R' and 'T'
--          their sums over the window, 'n' the second up to which the seconds that left the window were dropped from
--          the sums, 'lr' the last second with a request, 'lt' the last second with tokens above zero
-- KEYS[2]: requests in flight (zset: permit -> lease end ms)
-- ARGV: lease ms; the number of permits released, their ids; the number of token corrections, then per correction
--       the second it applies to and the tokens to add to it (actual minus counted, summed over the releases of that
--       second); then, when there are acquires, the limits: requests per minute, tokens per minute, concurrent requests
--       (0 = no limit), the tokens wanted by all the acquires together, and per acquire: tokens wanted, permit id
-- Returns: the current second, the current time in ms, the last second with a request and the last second with tokens
--          before the acquires (after the releases); then either (when every acquire fits, the usual case) the requests
--          and tokens used before the acquires, all of which are granted (six items in all: the caller adds the
--          acquires up itself), or per acquire: refused (0 none, 1 requests, 2 tokens, 3 concurrency), used requests,
--          used tokens, ms until a retry can succeed (4 + 4 per acquire items). The caller derives the reset times: a
--          minute after the last second with requests, or tokens, as of each acquire.
-- O(1) per call when every acquire fits: one read and one write of the hash, whatever the number of acquires. The
-- running sums drop only the seconds that left the window since the last call (none within a second). Only a refusal
-- reads the whole window (Retry-After).
local t = redis.call('TIME')
local now = tonumber(t[1])
local nowMs = now * 1000 + math.floor(tonumber(t[2]) / 1000)
local w, c = KEYS[1], KEYS[2]
local lease = tonumber(ARGV[1])
local ids = tonumber(ARGV[2])
local fixes = 3 + ids
local k = tonumber(ARGV[fixes])
local first = fixes + 1 + 2 * k
local m = 0
if #ARGV > first then m = (#ARGV - first - 3) / 2 end
local oldest = now - 59

-- one read: the sums, this second's counts and those of each corrected second
local names = {'n', 'R', 'T', 'lr', 'lt', 'r' .. now, 't' .. now}
for i = 0, k - 1 do
  local s = ARGV[fixes + 1 + 2 * i]
  names[#names + 1] = 'r' .. s
  names[#names + 1] = 't' .. s
end
local got = redis.call('HMGET', w, unpack(names))
local val, dirty = {}, {}
for i = 1, #names do val[names[i]] = tonumber(got[i]) end
local n = val.n
local R, T, lr, lt = 0, 0, 0, 0
local exists = n ~= nil
if n and n < oldest then
  -- everything counted has left the window
  redis.call('DEL', w)
  val, n, exists = {}, nil, false
elseif n then
  R, T, lr, lt = val.R or 0, val.T or 0, val.lr or 0, val.lt or 0
  if n < now then
    -- the seconds that left the window since the last call: n - 59 .. now - 60
    local stale = {}
    for s = n - 59, now - 60 do
      stale[#stale + 1] = 'r' .. s
      stale[#stale + 1] = 't' .. s
    end
    local v = redis.call('HMGET', w, unpack(stale))
    for i = 1, #stale, 2 do
      R = R - (tonumber(v[i]) or 0)
      T = T - (tonumber(v[i + 1]) or 0)
      val[stale[i]], val[stale[i + 1]] = nil, nil
    end
    redis.call('HDEL', w, unpack(stale))
    dirty.n = true
  end
end
if not n or n < now then n = now end

-- the counts of one kind ('r' or 't') for each second of the window, oldest first, as they stand in this call
local function window(kind)
  local fields = {}
  for s = oldest, now do fields[#fields + 1] = kind .. s end
  local v = redis.call('HMGET', w, unpack(fields))
  local counts = {}
  for i = 1, #fields do
    local f = fields[i]
    if dirty[f] then counts[i] = val[f] else counts[i] = tonumber(v[i]) or 0 end
  end
  return counts
end

-- refusals only: ms until the oldest counts that add up to excess have left the window
local function untilFits(kind, excess)
  local counts, freed = window(kind), 0
  for i = 1, #counts do
    freed = freed + counts[i]
    if freed >= excess then return (oldest + i - 1 + 60) * 1000 - nowMs end
  end
  return 60000
end

-- releases: their slots, then their token corrections
if ids > 0 then redis.call('ZREM', c, unpack(ARGV, 3, 2 + ids)) end
for i = 0, k - 1 do
  local s, delta = tonumber(ARGV[fixes + 1 + 2 * i]), tonumber(ARGV[fixes + 2 + 2 * i])
  -- a second that has left the window, or was never counted, is not corrected
  if delta ~= 0 and s >= oldest and val['r' .. s] then
    local f = 't' .. s
    local old = val[f] or 0
    local new = old + delta
    if new < 0 then new = 0 end
    val[f], dirty[f] = new, true
    T = T + new - old
    if new > 0 and s > lt then
      lt = s
    elseif new == 0 and s == lt then
      -- the last second with tokens has none left: the one before it (rare: no other tokens in that second)
      lt = 0
      local counts = window('t')
      for j = s - oldest, 1, -1 do
        if counts[j] > 0 then
          lt = oldest + j - 1
          break
        end
      end
    end
  end
end

-- acquires
local out = {now, nowMs, lr, lt}
local active, activeBefore
local adds = {}
local lastBefore = lr
local rNow, tNow = 'r' .. now, 't' .. now
local rpm, tpm, conc = tonumber(ARGV[first]), tonumber(ARGV[first + 1]), tonumber(ARGV[first + 2])

-- requests in flight, counted once per call (and only when they are limited)
local function countActive()
  active = redis.call('ZCARD', c)
  if active >= conc or lr ~= now then
    -- leases of instances that died: dropped when they could refuse, and once a second
    redis.call('ZREMRANGEBYSCORE', c, '-inf', nowMs)
    active = redis.call('ZCARD', c)
  end
  activeBefore = active
end

local function grant(want, permit)
  R = R + 1
  val[rNow], dirty[rNow] = (val[rNow] or 0) + 1, true
  if want > 0 then
    T = T + want
    val[tNow], dirty[tNow] = (val[tNow] or 0) + want, true
    lt = now
  end
  lr = now
  if conc > 0 then
    adds[#adds + 1] = nowMs + lease
    adds[#adds + 1] = permit
    active = active + 1
  end
end

if m > 0 then
  if conc > 0 then countActive() end
  local total = tonumber(ARGV[first + 3])
  if (rpm == 0 or R + m <= rpm) and (tpm == 0 or T + total <= tpm) and (conc == 0 or active + m <= conc) then
    -- every acquire fits: counted together, and the caller numbers them from the sums before them
    out[5], out[6] = R, T
    R = R + m
    val[rNow], dirty[rNow] = (val[rNow] or 0) + m, true
    if total > 0 then
      T = T + total
      val[tNow], dirty[tNow] = (val[tNow] or 0) + total, true
      lt = now
    end
    lr = now
    if conc > 0 then
      for j = 0, m - 1 do
        adds[#adds + 1] = nowMs + lease
        adds[#adds + 1] = ARGV[first + 5 + 2 * j]
      end
      active = active + m
    end
    m = 0
  end
end
for j = 0, m - 1 do
  local a = first + 4 + 2 * j
  local want = tonumber(ARGV[a])
  local refused, retry = 0, 0
  if rpm > 0 and R + 1 > rpm then
    refused, retry = 1, untilFits('r', R + 1 - rpm)
  elseif tpm > 0 and T + want > tpm then
    refused = 2
    if want > tpm then retry = 60000 else retry = untilFits('t', T + want - tpm) end
  elseif conc > 0 and active >= conc then
    refused, retry = 3, 1000
  end
  if refused == 0 then grant(want, ARGV[a + 1]) end
  out[#out + 1] = refused
  out[#out + 1] = R
  out[#out + 1] = T
  out[#out + 1] = retry
end

-- one write (none when nothing changed, and never one that would bring back a key with nothing counted in it)
if next(dirty) and (exists or lr == now) then
  local set = {'n', n, 'R', R, 'T', T, 'lr', lr, 'lt', lt}
  for f in pairs(dirty) do
    if f ~= 'n' then
      set[#set + 1] = f
      set[#set + 1] = val[f]
    end
  end
  redis.call('HSET', w, unpack(set))
  -- every count lives in a second no later than the last request's: the key outlives that second by a minute
  if lastBefore ~= now and lr == now then redis.call('PEXPIRE', w, 61000) end
end
if #adds > 0 then
  redis.call('ZADD', c, unpack(adds))
  if lastBefore ~= now or activeBefore == 0 then redis.call('PEXPIRE', c, lease + 1000) end
end
return out
