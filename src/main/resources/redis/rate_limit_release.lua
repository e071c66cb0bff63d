-- Frees a permit's concurrency slot and corrects its counted tokens to the actual usage (the window layout is
-- rate_limit_acquire.lua's).
-- KEYS[1]: the window (hash)   KEYS[2]: requests in flight (zset)
-- ARGV: permit id, the second it was counted in, actual minus counted tokens
redis.call('ZREM', KEYS[2], ARGV[1])
local delta = tonumber(ARGV[3])
if delta == 0 then return 1 end
local s = tonumber(ARGV[2])
local now = tonumber(redis.call('TIME')[1])
if s <= now - 60 then return 1 end
local w = KEYS[1]
local h = redis.call('HMGET', w, 'r' .. s, 't' .. s, 'T', 'lt', 'n')
-- no requests in that second any more: it has left the window
if not h[1] then return 1 end
local old = tonumber(h[2]) or 0
local new = old + delta
if new < 0 then new = 0 end
local sum = (tonumber(h[3]) or 0) + new - old
local lt = tonumber(h[4]) or 0
if new > 0 and s > lt then
  lt = s
elseif new == 0 and s == lt then
  -- the last second with tokens has none left: find the one before it (rare: it needs a second with no other tokens)
  lt = 0
  local from = math.max(now - 59, (tonumber(h[5]) or s) - 59)
  if s - 1 >= from then
    local fields = {}
    for x = s - 1, from, -1 do fields[#fields + 1] = 't' .. x end
    local v = redis.call('HMGET', w, unpack(fields))
    for i = 1, #v do
      if (tonumber(v[i]) or 0) > 0 then
        lt = s - i
        break
      end
    end
  end
end
redis.call('HSET', w, 't' .. s, new, 'T', sum, 'lt', lt)
return 1
