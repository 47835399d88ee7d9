import { ValidationError } from '@ballast/errors';

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * Checks a list of tags (a call's, or a factory's `setTags`): strings of 1 to `max` characters.
 * @throws ValidationError naming the bad tag.
 */
export function checkTags(tags: readonly string[] | undefined, max: number): readonly string[] {
  if (tags === undefined) return NO_TAGS;
  if (!Array.isArray(tags)) throw new ValidationError('Invalid cache tags: expected an array of strings');
  for (const tag of tags) {
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > max) {
      throw new ValidationError(
        `Invalid cache tag ${JSON.stringify(tag)}: expected a string of 1 to ${max} characters`,
      );
    }
  }
  return tags;
}
