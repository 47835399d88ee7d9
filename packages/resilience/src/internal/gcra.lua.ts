/**
 * The Redis limiter's GCRA script (generic cell rate algorithm): one number per
 * limit (the theoretical arrival time), so O(1) per limit whatever the traffic.
 * Each limit admits a burst of `max`, then one unit every `per / max`. All limits
 * are checked first and consumed only if every one admits the cost, atomically.
 *
 * KEYS: one string per limit (all share one hash tag).
 * ARGV: cost, an unused nonce (same calling convention as the sliding window), then `max, windowMs` per limit.
 * Returns: allowed (0/1), remaining, limit, resetMs, retryAfterMs (-1: never).
 */
export const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local cost = tonumber(ARGV[1])
local n = #KEYS
local allowed = 1
local retry = 0
local tats = {}
for i = 1, n do
  local max = tonumber(ARGV[i * 2 + 1])
  local per = tonumber(ARGV[i * 2 + 2])
  local stored = redis.call('GET', KEYS[i])
  local tat = now
  if stored then tat = tonumber(stored) end
  if tat < now then tat = now end
  tats[i] = tat
  local allowAt = tat + cost * per / max - per
  if allowAt > now + 0.001 then
    allowed = 0
    if cost > max then
      retry = -1
    elseif retry >= 0 and allowAt - now > retry then
      retry = allowAt - now
    end
  end
end
local best, bestLimit, bestReset = nil, 0, 0
for i = 1, n do
  local max = tonumber(ARGV[i * 2 + 1])
  local per = tonumber(ARGV[i * 2 + 2])
  local tat = tats[i]
  if allowed == 1 and cost > 0 then
    tat = tat + cost * per / max
    redis.call('SET', KEYS[i], string.format('%.3f', math.ceil(tat * 1000) / 1000), 'PX', math.ceil(tat - now))
  end
  local remaining = math.floor((now - (tat - per)) * max / per + 1e-9)
  if remaining > max then remaining = max end
  if best == nil or remaining < best then
    best = remaining
    bestLimit = max
    bestReset = math.ceil(tat - now)
  end
end
if best < 0 then best = 0 end
if retry > 0 then retry = math.ceil(retry) end
return { allowed, best, bestLimit, bestReset, retry }
`;
