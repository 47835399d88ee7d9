/**
 * The Redis limiter's GCRA script (generic cell rate algorithm): one number per
 * limit (the theoretical arrival time), so O(1) per limit whatever the traffic.
 * Each limit admits a burst of `max`, then one unit every `per / max`. All limits
 * are checked first and consumed only if every one admits the cost, atomically. One run
 * decides a batch of calls in order, as if each ran the script alone at the same instant:
 * the batch reads the clock once, and reads and writes each key once.
 *
 * KEYS: per key of the batch, one string per limit (each key's strings share one hash tag).
 * ARGV: the number of limits `n`, then `max, windowMs` per limit, then per call: the
 * 1-based position of its key in the batch, its cost, and an unused nonce (the sliding
 * window's calling convention).
 * Returns, per call: allowed (0/1), remaining, limit, resetMs, retryAfterMs (-1: never).
 */
export const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local n = tonumber(ARGV[1])
local maxes, pers = {}, {}
for i = 1, n do
  maxes[i] = tonumber(ARGV[i * 2])
  pers[i] = tonumber(ARGV[i * 2 + 1])
end
local stored, written, out = {}, {}, {}
for a = n * 2 + 2, #ARGV, 3 do
  local k0 = (tonumber(ARGV[a]) - 1) * n
  local cost = tonumber(ARGV[a + 1])
  local allowed = 1
  local retry = 0
  local tats = {}
  for i = 1, n do
    local max, per = maxes[i], pers[i]
    local tat = stored[k0 + i]
    if tat == nil then
      local value = redis.call('GET', KEYS[k0 + i])
      tat = value and tonumber(value) or false
      stored[k0 + i] = tat
    end
    if not tat or tat < now then tat = now end
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
    local max, per = maxes[i], pers[i]
    local tat = tats[i]
    if allowed == 1 and cost > 0 then
      tat = tat + cost * per / max
      stored[k0 + i] = tat
      written[k0 + i] = true
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
  local o = #out
  out[o + 1], out[o + 2], out[o + 3], out[o + 4], out[o + 5] = allowed, best, bestLimit, bestReset, retry
end
for k in pairs(written) do
  local tat = stored[k]
  -- A step below the clock's precision (per / max of a huge max) leaves tat at now: expire in 1 ms, not 0 (an error).
  redis.call('SET', KEYS[k], string.format('%.3f', math.ceil(tat * 1000) / 1000), 'PX', math.max(1, math.ceil(tat - now)))
end
return out
`;
