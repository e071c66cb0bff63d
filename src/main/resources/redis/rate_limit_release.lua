-- Frees a permit's concurrency slot and corrects its counted tokens to the actual usage.
-- KEYS[1]: tokens by second (hash)   KEYS[2]: requests in flight (zset)
-- ARGV: permit id, the second it was counted in, actual minus counted tokens
redis.call('ZREM', KEYS[2], ARGV[1])
local delta = tonumber(ARGV[3])
if delta ~= 0 and redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then
  local v = redis.call('HINCRBY', KEYS[1], ARGV[2], delta)
  if v < 0 then redis.call('HSET', KEYS[1], ARGV[2], 0) end
end
return 1
