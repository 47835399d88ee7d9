import { defineError } from '@ballast/errors';

/**
 * A tier held bytes that could not be deserialized. Tiers throw it from `get` after
 * deleting the entry; the cache counts it (`corrupt` in stats) and treats it as a miss,
 * so callers never see it.
 */
export const CorruptEntryError = defineError<{ tier: string; key: string }>('CACHE_ENTRY_CORRUPT', {
  name: 'CorruptEntryError',
  category: 'validation',
  message: ({ tier, key }) => `The ${tier} tier held an entry for "${key}" that could not be deserialized.`,
  description:
    'A cache tier held an entry that could not be deserialized; it was deleted and treated as a miss.',
  suggestions: ['Check that every process writing this cache uses the same serializer and version.'],
});
