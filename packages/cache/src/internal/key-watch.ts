/** Deleted tags remembered for the watchers before a tag deletion counts as a change of every key. */
const MAX_DELETED_TAGS = 1_024;

/**
 * The slower-tier reads and factory runs of one key in flight (`watchers`), and how many
 * changes of the key they have seen.
 */
export interface KeyWatch {
  watchers: number;
  changes: number;
}

/**
 * What a change overtakes. A slower-tier read or a factory run that began before a change
 * of its key must not cache what it got: the change is newer. The read side watches a key
 * while it reads or produces it; the write side reports every change here: a set or
 * delete of one key, a tag deletion, or a change of every key (a clear, a bus reconnect).
 *
 * To ask later, a watcher remembers `watch.changes`, {@link KeyWatches.epoch} and
 * {@link KeyWatches.tagSeq} when it starts, then calls {@link KeyWatches.overtaken}.
 */
export class KeyWatches {
  readonly #watched = new Map<string, KeyWatch>();
  /** Bumped by changes that touch every key: a clear, a bus reconnect. */
  #epoch = 0;
  /** Counts tag deletions; `#deletedTags` remembers each deleted tag's count while anything is watched. */
  #tagSeq = 0;
  readonly #deletedTags = new Map<string, number>();

  /** Starts watching `key` for changes; pair with {@link KeyWatches.unwatch}. */
  watch(key: string): KeyWatch {
    let watch = this.#watched.get(key);
    if (watch === undefined) {
      watch = { watchers: 0, changes: 0 };
      this.#watched.set(key, watch);
    }
    watch.watchers++;
    return watch;
  }

  unwatch(key: string, watch: KeyWatch): void {
    if (--watch.watchers > 0) return;
    this.#watched.delete(key);
    if (this.#watched.size === 0 && this.#deletedTags.size > 0) this.#deletedTags.clear();
  }

  /** Counts changes that touch every key: clears and bus reconnects. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Counts tag deletions. */
  get tagSeq(): number {
    return this.#tagSeq;
  }

  /**
   * Whether the key changed since its watcher saw `changes`, `epoch` and `tagSeq`: a set
   * or delete of the key, a clear, or the deletion of one of `tags` (the tags of what the
   * watcher is about to cache).
   */
  overtaken(
    watch: KeyWatch,
    changes: number,
    epoch: number,
    tagSeq: number,
    tags: readonly string[],
  ): boolean {
    if (watch.changes !== changes || this.#epoch !== epoch) return true;
    if (this.#tagSeq === tagSeq) return false;
    for (const tag of tags) {
      const deleted = this.#deletedTags.get(tag);
      if (deleted !== undefined && deleted > tagSeq) return true;
    }
    return false;
  }

  /** Records a change of `key` for its watchers. */
  changed(key: string): void {
    const watch = this.#watched.get(key);
    if (watch !== undefined) watch.changes++;
  }

  /** Records the deletion of `tags` for the watchers (beyond a bound, as a change of every key). */
  tagsDeleted(tags: readonly string[]): void {
    this.#tagSeq++;
    if (this.#watched.size === 0) return;
    if (this.#deletedTags.size + tags.length > MAX_DELETED_TAGS) {
      this.#deletedTags.clear();
      this.#epoch++;
      return;
    }
    for (const tag of tags) this.#deletedTags.set(tag, this.#tagSeq);
  }

  /** Records a change of every key: a clear, or a bus reconnect that may have lost messages. */
  allChanged(): void {
    this.#epoch++;
  }
}
