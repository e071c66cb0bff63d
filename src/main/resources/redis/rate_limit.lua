-- Releases and acquires of one scope, in one atomic step (the whole script runs alone in Redis): first the releases
-- (they free their concurrency slots and correct their counted tokens to the actual usage), then each acquire in turn
-- (checks a request against the limits and counts it, or refuses it and counts nothing), each seeing the ones before
-- it. The same sliding minute as dev.tokengate.ratelimit.SlidingMinute: counts live in one-second fields for 60
-- seconds. Redis's own clock is used, so instances with skewed clocks still share one window.
-- KEYS[1]: the scope's hash.
--          The window: 'r<second>' and 't<second>' the requests and tokens counted in that second, 'R' and 'T' their
--          sums over the window, 'n' the second up to which the seconds that left the window were dropped from the
--          sums, 'lr' the last second with a request, 'lt' the last second with tokens above zero.
--          Requests in flight: 'C' their number, and per event loop (of an instance) holding some, 'c<loop>' how many
--          it holds and 'e<loop>' when its lease ends (ms; renewed by each of its calls): the slots of a loop whose
--          lease ended (its instance died) are dropped before they could refuse a request.
-- ARGV: lease ms; the calling loop ('' when the call neither holds nor frees slots); the slots the loop holds after
--       its releases, when it knows them exactly (no earlier call of it that could grant is unanswered), else -1; the
--       slots it releases (used with -1); the number of token corrections, then per correction the second it applies
--       to and the tokens to add to it (actual minus counted, summed over the releases of that second); then, when
--       there are acquires, the limits: requests per minute, tokens per minute, concurrent requests (0 = no limit),
--       the tokens wanted by all the acquires together, and per acquire the tokens it wants
-- Returns: the current second, the current time in ms, the last second with a request and the last second with tokens
--          before the acquires (after the releases); then either (when every acquire fits, the usual case) the requests
--          and tokens used before the acquires, all of which are granted (six items in all: the caller adds the
--          acquires up itself), or per acquire: refused (0 none, 1 requests, 2 tokens, 3 concurrency), used requests,
--          used tokens, ms until a retry can succeed (4 + 4 per acquire items). The caller derives the reset times: a
--          minute after the last second with requests, or tokens, as of each acquire.
-- O(1) per call when every acquire fits: one read and one write of the hash, whatever the number of releases and
-- acquires. The running sums drop only the seconds that left the window since the last call (none within a second).
-- Only a refusal reads the whole window (Retry-After), or every field (slots of loops whose lease ended).
local t = redis.call('TIME')
local now = tonumber(t[1])
local nowMs = now * 1000 + math.floor(tonumber(t[2]) / 1000)
local w = KEYS[1]
local lease = tonumber(ARGV[1])
local me = ARGV[2]
local k = tonumber(ARGV[5])
local first = 6 + 2 * k
local m = 0
if #ARGV > first then m = #ARGV - first - 3 end
local oldest = now - 59

-- one read: the sums, this second's counts, those of each corrected second, and the caller's slots
local names = {'n', 'R', 'T', 'lr', 'lt', 'C', 'r' .. now, 't' .. now}
local mine, mineLease
if me ~= '' then
  mine, mineLease = 'c' .. me, 'e' .. me
  names[#names + 1] = mine
end
for i = 0, k - 1 do
  local s = ARGV[6 + 2 * i]
  if tonumber(s) ~= now then
    names[#names + 1] = 'r' .. s
    names[#names + 1] = 't' .. s
  end
end
local got = redis.call('HMGET', w, unpack(names))
local val, dirty = {}, {}
for i = 1, #names do val[names[i]] = tonumber(got[i]) end
-- the sums as stored: only those that change are written back
local stored = {n = val.n, R = val.R, T = val.T, lr = val.lr, lt = val.lt, C = val.C}
local n = val.n
local R, T, lr, lt = 0, 0, 0, 0
local C = val.C or 0
local exists = n ~= nil
if n and n < oldest then
  -- everything counted has left the window
  if C == 0 then
    redis.call('DEL', w)
    val, stored, n, exists = {}, {}, nil, false
  else
    -- requests still in flight: only the window's fields go
    local gone = {}
    for _, f in ipairs(redis.call('HKEYS', w)) do
      local kind = string.sub(f, 1, 1)
      if (kind == 'r' or kind == 't') and tonumber(string.sub(f, 2)) then
        gone[#gone + 1] = f
        val[f] = nil
      end
    end
    if #gone > 0 then redis.call('HDEL', w, unpack(gone)) end
    n = nil
  end
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
local before = C

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

-- releases: the caller's slots (set to what it knows it holds, else less what it frees), then the token corrections
if mine then
  local held = val[mine] or 0
  local now_held = tonumber(ARGV[3])
  if now_held < 0 then now_held = math.max(0, held - tonumber(ARGV[4])) end
  C = math.max(0, C - held + now_held)
  val[mine], dirty[mine] = now_held, true
end
for i = 0, k - 1 do
  local s, delta = tonumber(ARGV[6 + 2 * i]), tonumber(ARGV[7 + 2 * i])
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

-- before a request could be refused for concurrency: drop the slots of loops whose lease ended, and count the rest
local function reclaim()
  local all = redis.call('HGETALL', w)
  local ended = {}
  for i = 1, #all, 2 do
    local f = all[i]
    if string.sub(f, 1, 1) == 'e' and f ~= mineLease and tonumber(all[i + 1]) < nowMs then
      ended['c' .. string.sub(f, 2)] = true
      ended[#ended + 1] = f
      ended[#ended + 1] = 'c' .. string.sub(f, 2)
    end
  end
  if #ended > 0 then redis.call('HDEL', w, unpack(ended)) end
  C = val[mine] or 0
  for i = 1, #all, 2 do
    local f = all[i]
    if string.sub(f, 1, 1) == 'c' and f ~= mine and not ended[f] then C = C + tonumber(all[i + 1]) end
  end
end

-- acquires
local out = {now, nowMs, lr, lt}
local lastBefore = lr
local rNow, tNow = 'r' .. now, 't' .. now
local rpm, tpm, conc = tonumber(ARGV[first]), tonumber(ARGV[first + 1]), tonumber(ARGV[first + 2])
if m > 0 and conc > 0 and not mine then return redis.error_reply('ERR concurrency limited acquires need the caller') end

-- counts `count` requests of `tokens` tokens in all (and as many concurrency slots)
local function grant(count, tokens)
  R = R + count
  val[rNow], dirty[rNow] = (val[rNow] or 0) + count, true
  if tokens > 0 then
    T = T + tokens
    val[tNow], dirty[tNow] = (val[tNow] or 0) + tokens, true
    lt = now
  end
  lr = now
  if conc > 0 then
    C = C + count
    val[mine] = val[mine] + count
  end
end

if m > 0 then
  local total = tonumber(ARGV[first + 3])
  if conc > 0 and C + m > conc then reclaim() end
  if (rpm == 0 or R + m <= rpm) and (tpm == 0 or T + total <= tpm) and (conc == 0 or C + m <= conc) then
    -- every acquire fits: counted together, and the caller numbers them from the sums before them
    out[5], out[6] = R, T
    grant(m, total)
    m = 0
  end
end
for j = 0, m - 1 do
  local want = tonumber(ARGV[first + 4 + j])
  local refused, retry = 0, 0
  if rpm > 0 and R + 1 > rpm then
    refused, retry = 1, untilFits('r', R + 1 - rpm)
  elseif tpm > 0 and T + want > tpm then
    refused = 2
    if want > tpm then retry = 60000 else retry = untilFits('t', T + want - tpm) end
  elseif conc > 0 and C >= conc then
    refused, retry = 3, 1000
  end
  if refused == 0 then grant(1, want) end
  out[#out + 1] = refused
  out[#out + 1] = R
  out[#out + 1] = T
  out[#out + 1] = retry
end

-- one write (none when nothing changed, and never one that would bring back a key with nothing counted in it)
if next(dirty) and (exists or lr == now or C > 0) then
  local set = {}
  local sums = {n = n, R = R, T = T, lr = lr, lt = lt, C = C}
  for f, v in pairs(sums) do
    if stored[f] ~= v then
      set[#set + 1] = f
      set[#set + 1] = v
    end
  end
  for f in pairs(dirty) do
    if f ~= 'n' and f ~= mine then
      set[#set + 1] = f
      set[#set + 1] = val[f]
    end
  end
  if mine and val[mine] > 0 then
    set[#set + 1] = mine
    set[#set + 1] = val[mine]
    set[#set + 1] = mineLease
    set[#set + 1] = nowMs + lease
  end
  if #set > 0 then redis.call('HSET', w, unpack(set)) end
  if mine and val[mine] == 0 and got[9] then redis.call('HDEL', w, mine, mineLease) end
  -- every count lives in a second no later than the last request's: the key outlives that second by a minute, and
  -- while requests are in flight, their lease
  if not exists or (lastBefore ~= now and lr == now) or (before == 0 and C > 0) then
    if C > 0 then redis.call('PEXPIRE', w, lease + 1000) else redis.call('PEXPIRE', w, 61000) end
  end
end
return out
