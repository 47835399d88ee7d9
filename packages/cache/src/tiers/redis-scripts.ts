/**
 * Lua scripts of the Redis tier. Every key a script touches shares the entry's hash tag
 * (`{sN}`), so each runs on one Redis Cluster slot. Keys are built from `base`
 * (`<prefix>{sN}:`): `e:<key>` the entry, `g:<key>` its tags (a set), `z:<tag>` a tag's
 * keys (a sorted set scored by each entry's stale-until, epoch ms of the tier's clock; named
 * apart from the plain sets earlier versions kept under `t:<tag>`, which expire by themselves,
 * so an old key never meets a sorted-set command).
 */

/**
 * Dead members (stale-until passed) a write removes from each of its tags' sorted sets,
 * at most: bounds the work of one write while pruning faster than one write adds.
 */
export const PRUNE_LIMIT = 100;

/**
 * KEYS: entry, entry tags. ARGV: payload, px, base, key, now, stale-until, tags…
 * Each tag's sorted set drops up to PRUNE_LIMIT dead members and expires with its
 * longest-lived member, so it holds only the keys alive, not every key ever written.
 */
export const SET_SCRIPT = `
local old = redis.call('SMEMBERS', KEYS[2])
for _, t in ipairs(old) do redis.call('ZREM', ARGV[3] .. 'z:' .. t, ARGV[4]) end
if #old > 0 then redis.call('DEL', KEYS[2]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local now = tonumber(ARGV[5])
for i = 7, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
  local tk = ARGV[3] .. 'z:' .. ARGV[i]
  redis.call('ZADD', tk, ARGV[6], ARGV[4])
  local dead = redis.call('ZCOUNT', tk, '-inf', ARGV[5])
  if dead > 0 then redis.call('ZREMRANGEBYRANK', tk, 0, math.min(dead, ${PRUNE_LIMIT}) - 1) end
  local last = redis.call('ZRANGE', tk, -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', tk, math.max(1, math.ceil(tonumber(last[2]) - now)))
end
if #ARGV >= 7 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1`;

/** KEYS: entry, entry tags. ARGV: base, key. */
export const DELETE_SCRIPT = `
local old = redis.call('SMEMBERS', KEYS[2])
for _, t in ipairs(old) do redis.call('ZREM', ARGV[1] .. 'z:' .. t, ARGV[2]) end
return redis.call('DEL', KEYS[1], KEYS[2])`;

/** KEYS: tag sorted set. ARGV: base, tag. */
export const DELETE_TAG_SCRIPT = `
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, k in ipairs(members) do
  local g = ARGV[1] .. 'g:' .. k
  for _, t in ipairs(redis.call('SMEMBERS', g)) do
    if t ~= ARGV[2] then redis.call('ZREM', ARGV[1] .. 'z:' .. t, k) end
  end
  redis.call('DEL', ARGV[1] .. 'e:' .. k, g)
end
redis.call('DEL', KEYS[1])
return #members`;

/**
 * KEYS: fencing counter, lock. ARGV: ttl (ms). Takes the lock if it is free and returns its
 * fencing token as a string, or `false` (nil) when another holder has it. The token is the
 * larger of the counter + 1 and the server clock in microseconds: a replica promoted after a
 * failover may have lost the last increments (replication is asynchronous), but its clock is
 * past every token granted before the failover, so tokens keep growing.
 */
export const ACQUIRE_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local t = redis.call('TIME')
local token = (tonumber(redis.call('GET', KEYS[1])) or 0) + 1
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if now > token then token = now end
local s = string.format('%.0f', token)
redis.call('SET', KEYS[1], s)
redis.call('SET', KEYS[2], s, 'PX', ARGV[1])
return s`;

/** KEYS: lock. ARGV: token. Deletes the lock only if this holder still owns it. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
