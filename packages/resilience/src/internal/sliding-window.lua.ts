/**
 * The Redis limiter's script: an exact sliding-window log per limit, all limits
 * checked first and consumed only if every one admits the cost, atomically. One run
 * decides a batch of calls in order, as if each ran the script alone at the same instant:
 * the batch reads the clock once, and trims, counts and adds to each sorted set once.
 *
 * KEYS: per key of the batch, one sorted set per limit (each key's sets share one hash tag).
 * ARGV: the number of limits `n`, then `max, windowMs` per limit, then per call: the
 * 1-based position of its key in the batch, its cost, and a nonce unique to the call
 * (its members are `nonce:i`).
 * Returns, per call: allowed (0/1), remaining, limit, resetMs, retryAfterMs (-1: never).
 */
export const SLIDING_WINDOW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1])
local maxes, wins = {}, {}
for i = 1, n do
  maxes[i] = tonumber(ARGV[i * 2])
  wins[i] = tonumber(ARGV[i * 2 + 1])
end
local counts, added, pending, out = {}, {}, {}, {}
-- Members are added once per key and batch (before any read of the set's ranks), not per call.
local function flush(k)
  local members = pending[k]
  if members == nil then return end
  pending[k] = nil
  -- unpack() has a stack limit (about 8,000 values): add large batches in chunks.
  for from = 1, #members, 2000 do
    redis.call('ZADD', KEYS[k], unpack(members, from, math.min(from + 1999, #members)))
  end
end
for a = n * 2 + 2, #ARGV, 3 do
  local k0 = (tonumber(ARGV[a]) - 1) * n
  local cost = tonumber(ARGV[a + 1])
  local nonce = ARGV[a + 2]
  local allowed = 1
  local retry = 0
  for i = 1, n do
    local key, max, win = KEYS[k0 + i], maxes[i], wins[i]
    local count = counts[k0 + i]
    if count == nil then
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
      count = redis.call('ZCARD', key)
      counts[k0 + i] = count
    end
    if count + cost > max then
      allowed = 0
      if cost > max then
        retry = -1
      elseif retry >= 0 then
        flush(k0 + i)
        local e = redis.call('ZRANGE', key, count + cost - max - 1, count + cost - max - 1, 'WITHSCORES')
        local wait = tonumber(e[2]) + win - now
        if wait > retry then retry = wait end
      end
    end
  end
  local admit = allowed == 1 and cost > 0
  local best, bestLimit, bestReset = nil, 0, 0
  for i = 1, n do
    local key, max, win = KEYS[k0 + i], maxes[i], wins[i]
    local count = counts[k0 + i]
    if admit then
      local members = pending[k0 + i]
      if members == nil then
        members = {}
        pending[k0 + i] = members
      end
      local m = #members
      for j = 1, cost do
        members[m + j * 2 - 1] = now
        members[m + j * 2] = nonce .. ':' .. j
      end
      added[k0 + i] = win
      count = count + cost
      counts[k0 + i] = count
    end
    local remaining = max - count
    if best == nil or remaining < best then
      best = remaining
      bestLimit = max
      if admit then
        bestReset = win
      else
        flush(k0 + i)
        local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
        if newest[2] then bestReset = tonumber(newest[2]) + win - now else bestReset = 0 end
      end
    end
  end
  if best < 0 then best = 0 end
  local o = #out
  out[o + 1], out[o + 2], out[o + 3], out[o + 4], out[o + 5] = allowed, best, bestLimit, bestReset, retry
end
for k, win in pairs(added) do
  flush(k)
  redis.call('PEXPIRE', KEYS[k], win)
end
return out
`;
