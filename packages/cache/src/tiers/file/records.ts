import type { Serializer } from '../../serializer.js';
import { decodeEntry } from './entry-file.js';
import { isEntryFile, isTempFile } from './layout.js';
import { nodeApis } from './node-apis.js';

interface FileRecord {
  size: number;
  tags: readonly string[];
}

const ignore = (): void => {};

/**
 * The file tier's index, kept in memory: each entry file's size and tags, in
 * least-recently-used order, the total bytes, and the evictions beyond `maxBytes`. It is
 * built from the directory on first use ({@link FileRecords.load}), so a process knows the
 * files earlier runs left; the tier then keeps it up to date as it writes and deletes.
 */
export class FileRecords {
  /** Files in least-recently-used order (Map order), with their sizes and tags. */
  readonly #records = new Map<string, FileRecord>();
  #loading: Promise<void> | undefined;
  /** The bytes of every recorded file. */
  total = 0;
  /** Files removed to stay within `maxBytes`. */
  evictions = 0;

  constructor(
    private readonly dir: string,
    private readonly serializer: Serializer,
    private readonly maxBytes: number,
  ) {}

  /** How many files are recorded. */
  get size(): number {
    return this.#records.size;
  }

  /** Records `key`'s file (replacing what was recorded) as the most recently used. */
  add(key: string, size: number, tags: readonly string[]): void {
    this.forget(key);
    this.#records.set(key, { size, tags });
    this.total += size;
  }

  /** Stops counting `key`'s file. */
  forget(key: string): void {
    const record = this.#records.get(key);
    if (record === undefined) return;
    this.total -= record.size;
    this.#records.delete(key);
  }

  /** Marks `key`'s file as the most recently used. */
  touch(key: string): void {
    const record = this.#records.get(key);
    if (record === undefined) return;
    this.#records.delete(key);
    this.#records.set(key, record);
  }

  /** Forgets every file. */
  clear(): void {
    this.#records.clear();
    this.total = 0;
  }

  /** The keys whose files carry `tag`. */
  taggedWith(tag: string): string[] {
    return [...this.#records].filter(([, record]) => record.tags.includes(tag)).map(([key]) => key);
  }

  /**
   * The least recently used keys to evict while the total is over `maxBytes`, each counted
   * as an eviction, skipping the keys `busy` says are about to be rewritten (and accounted
   * again). The caller removes each key as it comes, which lowers the total.
   */
  *victims(busy: (key: string) => boolean): Generator<string> {
    for (const [key] of this.#records) {
      if (this.total <= this.maxBytes) return;
      if (busy(key)) continue;
      this.evictions++;
      yield key;
    }
  }

  /**
   * Reads the directory once, so sizes and tags of files from earlier runs are known; it
   * deletes the temp files a crash left and the files that cannot be read back.
   */
  load(): Promise<void> {
    this.#loading ??= this.#scan();
    return this.#loading;
  }

  async #scan(): Promise<void> {
    const { readdir, readFile, stat, unlink } = nodeApis().fs;
    const { join } = nodeApis().path;
    const files = await readdir(this.dir, { recursive: true }).catch(() => [] as string[]);
    for (const file of files) {
      // Left by a crash between writing a temp file and renaming it: nothing will rename it now.
      if (isTempFile(file)) {
        await unlink(join(this.dir, file)).catch(ignore);
        continue;
      }
      if (!isEntryFile(file)) continue;
      const path = join(this.dir, file);
      try {
        const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
        const stored = decodeEntry(this.serializer, raw);
        if (stored === undefined) throw new Error('unreadable');
        this.add(stored.key, info.size, stored.entry.tags);
      } catch {
        await unlink(path).catch(ignore);
      }
    }
  }
}
