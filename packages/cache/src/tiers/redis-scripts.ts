/**
 * Lua scripts of the Redis tier. Every key a script touches shares the entry's hash tag
 * (`{sN}`), so each runs on one Redis Cluster slot. Keys are built from `base`
 * (`<prefix>{sN}:`): `e:<key>` the entry, `g:<key>` its tags, `t:<tag>` a tag's keys.
 */

/** KEYS: entry, entry tags. ARGV: payload, px, base, key, tags… */
export const SET_SCRIPT = `
local old = redis.call('SMEMBERS', KEYS[2])
for _, t in ipairs(old) do redis.call('SREM', ARGV[3] .. 't:' .. t, ARGV[4]) end
if #old > 0 then redis.call('DEL', KEYS[2]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local px = tonumber(ARGV[2])
for i = 5, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
  local tk = ARGV[3] .. 't:' .. ARGV[i]
  redis.call('SADD', tk, ARGV[4])
  if redis.call('PTTL', tk) < px then redis.call('PEXPIRE', tk, px) end
end
if #ARGV >= 5 then redis.call('PEXPIRE', KEYS[2], px) end
return 1`;

/** KEYS: entry, entry tags. ARGV: base, key. */
export const DELETE_SCRIPT = `
local old = redis.call('SMEMBERS', KEYS[2])
for _, t in ipairs(old) do redis.call('SREM', ARGV[1] .. 't:' .. t, ARGV[2]) end
return redis.call('DEL', KEYS[1], KEYS[2])`;

/** KEYS: tag set. ARGV: base, tag. */
export const DELETE_TAG_SCRIPT = `
local members = redis.call('SMEMBERS', KEYS[1])
for _, k in ipairs(members) do
  local g = ARGV[1] .. 'g:' .. k
  for _, t in ipairs(redis.call('SMEMBERS', g)) do
    if t ~= ARGV[2] then redis.call('SREM', ARGV[1] .. 't:' .. t, k) end
  end
  redis.call('DEL', ARGV[1] .. 'e:' .. k, g)
end
redis.call('DEL', KEYS[1])
return #members`;

/** KEYS: lock. ARGV: token. Deletes the lock only if this holder still owns it. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
