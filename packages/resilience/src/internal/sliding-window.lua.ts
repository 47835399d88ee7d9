/**
 * The Redis limiter's script: an exact sliding-window log per limit, all limits
 * checked first and consumed only if every one admits the cost, atomically.
 *
 * KEYS: one sorted set per limit (all share one hash tag).
 * ARGV: cost, a nonce unique to this call (members are `nonce:i`), then `max, windowMs` per limit.
 * Returns: allowed (0/1), remaining, limit, resetMs, retryAfterMs (-1: never).
 */
export const SLIDING_WINDOW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local nonce = ARGV[2]
local n = #KEYS
local allowed = 1
local retry = 0
local used = {}
for i = 1, n do
  local max = tonumber(ARGV[i * 2 + 1])
  local win = tonumber(ARGV[i * 2 + 2])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - win)
  local count = redis.call('ZCARD', KEYS[i])
  used[i] = count
  if count + cost > max then
    allowed = 0
    if cost > max then
      retry = -1
    elseif retry >= 0 then
      local e = redis.call('ZRANGE', KEYS[i], count + cost - max - 1, count + cost - max - 1, 'WITHSCORES')
      local wait = tonumber(e[2]) + win - now
      if wait > retry then retry = wait end
    end
  end
end
local members = nil
if allowed == 1 and cost > 0 then
  members = {}
  for j = 1, cost do
    members[j * 2 - 1] = now
    members[j * 2] = nonce .. ':' .. j
  end
end
local best, bestLimit, bestReset = nil, 0, 0
for i = 1, n do
  local max = tonumber(ARGV[i * 2 + 1])
  local win = tonumber(ARGV[i * 2 + 2])
  local count = used[i]
  if members then
    -- unpack() has a stack limit (about 8,000 values): add large costs in chunks.
    for from = 1, #members, 2000 do
      redis.call('ZADD', KEYS[i], unpack(members, from, math.min(from + 1999, #members)))
    end
    redis.call('PEXPIRE', KEYS[i], win)
    count = count + cost
  end
  local remaining = max - count
  if best == nil or remaining < best then
    best = remaining
    bestLimit = max
    if members then
      bestReset = win
    else
      local newest = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
      if newest[2] then bestReset = tonumber(newest[2]) + win - now else bestReset = 0 end
    end
  end
end
if best < 0 then best = 0 end
return { allowed, best, bestLimit, bestReset, retry }
`;
