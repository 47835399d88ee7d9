import type { Clock } from '@ballast/core';
import type { RecoveryStats } from '../stats.js';
import type { CacheEntry, CacheTier } from '../tier.js';

/** What {@link Recovery} repairs through: the cache's runner, L1 and bus. */
export interface RecoveryParts {
  readonly tiers: readonly CacheTier[];
  readonly clock: Clock;
  /** Whether write-behind still holds a write of `key`: it retries it itself. */
  queued(key: string): boolean;
  /** The newest value this process holds for `key` (its L1), if any. */
  local(key: string): CacheEntry | undefined;
  get(index: number, key: string): Promise<CacheEntry | undefined>;
  set(index: number, key: string, entry: CacheEntry): Promise<boolean>;
  delete(index: number, key: string): Promise<boolean>;
  deleteByTag(index: number, tag: string): Promise<boolean>;
  clear(index: number): Promise<boolean>;
  /** Tells other processes to drop what was repaired. */
  publish(
    message:
      | { type: 'delete'; keys: readonly string[] }
      | { type: 'tag'; tags: readonly string[] }
      | { type: 'clear' },
  ): void;
}

interface TierBacklog {
  /** Key → what was skipped last: a write or a delete. */
  readonly keys: Map<string, 'set' | 'delete'>;
  readonly tags: Set<string>;
  cleared: boolean;
  repairing: boolean;
  /** The tier answered while a repair ran: what that repair could not do is tried again after it. */
  rerun: boolean;
  /** Repairs under way (counted as pending until they land). */
  inFlight: number;
  /** The keys being repaired right now: the tier's copy is still in doubt until they land. */
  readonly repairingKeys: Set<string>;
  /** Writes the tier acknowledged lately, oldest first: a failover may still lose them. */
  readonly recent: Map<string, { entry: CacheEntry; at: number }>;
  /** Entries of lately acknowledged writes to check again, for a key whose L1 copy is gone. */
  readonly snapshots: Map<string, CacheEntry>;
  readonly stats: RecoveryStats;
}

/**
 * How long an acknowledged write stays in doubt (ms): Redis replicates asynchronously, so a
 * master that dies may take the writes of its last moments with it, and its replica takes
 * over without them. When the tier fails, the writes acknowledged this recently are checked
 * again once it is back.
 */
const IN_DOUBT_MS = 30_000;
/** Rounds of one repair when keys were overtaken while being repaired (each checks them again). */
const MAX_ROUNDS = 3;
/** Lately acknowledged writes kept per tier. */
const RECENT_LIMIT = 1_000;

/**
 * Auto-recovery (FusionCache's name for it): remembers, per shared tier and up to `limit`
 * keys, what a write, delete, tag deletion or clear of that tier skipped while it was
 * unavailable (breaker open, timeout, refused), and repairs it once the tier answers again:
 * the newer value this process holds is written (unless the tier already holds a newer one),
 * a key with no such value is deleted, and other processes are told to drop their copies.
 * Without it, the shared tier would keep serving the version from before the outage until
 * the key is written again or expires.
 */
export class Recovery {
  readonly #parts: RecoveryParts;
  readonly #limit: number;
  readonly #backlogs: (TierBacklog | undefined)[];

  constructor(parts: RecoveryParts, limit: number) {
    this.#parts = parts;
    this.#limit = limit;
    this.#backlogs = parts.tiers.map((tier) =>
      tier.shared === true
        ? {
            keys: new Map(),
            tags: new Set(),
            cleared: false,
            repairing: false,
            rerun: false,
            inFlight: 0,
            repairingKeys: new Set(),
            recent: new Map(),
            snapshots: new Map(),
            stats: { pending: 0, repaired: 0, dropped: 0 },
          }
        : undefined,
    );
  }

  /** The counters of tier `index`, or `undefined` for a tier that is not shared. */
  stats(index: number): RecoveryStats | undefined {
    const backlog = this.#backlogs[index];
    if (backlog === undefined) return undefined;
    backlog.stats.pending =
      backlog.keys.size + backlog.tags.size + (backlog.cleared ? 1 : 0) + backlog.inFlight;
    return { ...backlog.stats };
  }

  /**
   * Whether tier `index` may hold an older copy of `key` than this process wrote: a write or
   * delete of it was skipped (or put in doubt by a failure) and is not repaired yet. A read
   * must not take that copy, or serve it stale, or put it in L1: the repair would then find
   * the old value as this process's own and write it back.
   */
  inDoubt(index: number, key: string): boolean {
    const backlog = this.#backlogs[index];
    return backlog !== undefined && (backlog.keys.has(key) || backlog.repairingKeys.has(key));
  }

  /** An operation on tier `index` failed: remember what it would have changed. */
  skipped(index: number, operation: string, target: string | undefined): void {
    const backlog = this.#backlogs[index];
    if (backlog === undefined) return;
    this.#forget(backlog, operation, target);
    if (operation === 'clear') {
      backlog.cleared = true;
      backlog.keys.clear();
      backlog.tags.clear();
      return;
    }
    if (target === undefined) return;
    if (operation === 'deleteByTag') {
      backlog.tags.add(target);
      return;
    }
    if (operation !== 'set' && operation !== 'delete') return;
    backlog.keys.delete(target); // re-inserted last: the oldest goes first when full
    backlog.keys.set(target, operation);
    if (backlog.keys.size > this.#limit) {
      const oldest = backlog.keys.keys().next().value as string;
      backlog.keys.delete(oldest);
      backlog.snapshots.delete(oldest);
      backlog.stats.dropped++;
    }
  }

  /** A change (made or skipped) overrides the writes in doubt that it touches. */
  #forget(backlog: TierBacklog, operation: string, target: string | undefined): void {
    if (operation === 'clear') {
      backlog.recent.clear();
      backlog.snapshots.clear();
    } else if (operation === 'deleteByTag' && target !== undefined) {
      for (const [key, { entry }] of backlog.recent)
        if (entry.tags.includes(target)) backlog.recent.delete(key);
      for (const [key, entry] of backlog.snapshots) {
        if (!entry.tags.includes(target)) continue;
        backlog.snapshots.delete(key);
        if (backlog.keys.get(key) === 'set') backlog.keys.set(key, 'delete');
      }
    } else if (target !== undefined && (operation === 'set' || operation === 'delete')) {
      backlog.recent.delete(target);
      backlog.snapshots.delete(target);
    }
  }

  /** Tier `index` acknowledged a write of `key`: keep it in doubt for a while. */
  wrote(index: number, key: string, entry: CacheEntry): void {
    const backlog = this.#backlogs[index];
    if (backlog === undefined) return;
    backlog.recent.delete(key);
    backlog.recent.set(key, { entry, at: this.#parts.clock.now() });
    if (backlog.recent.size > RECENT_LIMIT)
      backlog.recent.delete(backlog.recent.keys().next().value as string);
  }

  /**
   * Tier `index` failed (perhaps its master died): the writes it acknowledged in the last
   * moments may be lost with it, so they are checked again, like skipped ones, once it is back.
   */
  failed(index: number): void {
    const backlog = this.#backlogs[index];
    if (backlog === undefined || backlog.recent.size === 0) return;
    const since = this.#parts.clock.now() - IN_DOUBT_MS;
    const doubted = [...backlog.recent].filter(([key, { at }]) => at >= since && !backlog.keys.has(key));
    backlog.recent.clear();
    for (const [key, { entry }] of doubted) {
      this.skipped(index, 'set', key);
      backlog.snapshots.set(key, entry);
    }
  }

  /** An operation on tier `index` succeeded: it is reachable, so repair what it missed. */
  succeeded(index: number, operation: string, key: string | undefined): void {
    const backlog = this.#backlogs[index];
    if (backlog === undefined) return;
    if (operation === 'delete' || operation === 'clear' || operation === 'deleteByTag') {
      this.#forget(backlog, operation, key);
    } else if (operation === 'set' && key !== undefined) backlog.snapshots.delete(key);
    if (key !== undefined && (operation === 'set' || operation === 'delete')) {
      // This write is newer than whatever was skipped for the key; but a clear still to be
      // replayed would wipe it, so a key written meanwhile is written again after the clear.
      if (backlog.cleared && operation === 'set') {
        backlog.keys.delete(key);
        backlog.keys.set(key, 'set');
      } else backlog.keys.delete(key);
    }
    if (operation === 'clear' && !backlog.repairing) {
      backlog.keys.clear();
      backlog.tags.clear();
      backlog.cleared = false;
    }
    if (backlog.keys.size > 0 || backlog.tags.size > 0 || backlog.cleared) void this.repair(index);
  }

  /** Repairs what tier `index` missed; stops (keeping the rest) if the tier fails again. */
  async repair(index: number, round = 1): Promise<void> {
    const backlog = this.#backlogs[index];
    if (backlog === undefined) return;
    if (backlog.repairing) {
      backlog.rerun = true;
      return;
    }
    backlog.repairing = true;
    backlog.rerun = false;
    let again = false;
    try {
      again = await this.#repairOnce(index, backlog);
    } finally {
      backlog.repairing = false;
    }
    // The tier answered during this repair (after a failure of it, perhaps): start again.
    // Else keys overtaken while being repaired are checked again, in a bounded number of
    // rounds: an L1 that hands out copies would look overtaken every time.
    if (backlog.rerun) await this.repair(index);
    else if (again && round < MAX_ROUNDS) await this.repair(index, round + 1);
  }

  /**
   * One pass over the backlog: the clear, the tags, then the keys. Stops at the first failure
   * (keeping the rest); true when a key was overtaken and is to be checked again.
   */
  async #repairOnce(index: number, backlog: TierBacklog): Promise<boolean> {
    const parts = this.#parts;
    let again = false;
    if (backlog.cleared) {
      backlog.inFlight++;
      const ok = await parts.clear(index).finally(() => backlog.inFlight--);
      if (!ok) return false;
      backlog.cleared = false;
      parts.publish({ type: 'clear' });
    }
    for (const tag of [...backlog.tags]) {
      backlog.tags.delete(tag);
      backlog.inFlight++;
      const ok = await parts.deleteByTag(index, tag).finally(() => backlog.inFlight--);
      if (!ok) {
        backlog.tags.add(tag);
        return false;
      }
      parts.publish({ type: 'tag', tags: [tag] });
    }
    const repaired: string[] = [];
    try {
      for (const [key, operation] of [...backlog.keys]) {
        if (backlog.keys.get(key) !== operation) continue; // written meanwhile
        backlog.keys.delete(key);
        if (parts.queued(key)) continue;
        backlog.inFlight++;
        backlog.repairingKeys.add(key);
        const outcome = await this.#repairKey(index, key).finally(() => {
          backlog.inFlight--;
          backlog.repairingKeys.delete(key);
        });
        const ok = outcome !== false;
        if (!ok || outcome === 'overtaken') {
          // Failed: kept for the next round. Overtaken: this process wrote the key while
          // the repair ran, and the two writes may have landed in either order (a failover
          // reroutes them), so the key is checked once more.
          if (!backlog.keys.has(key)) backlog.keys.set(key, operation);
          if (!ok) return false;
          again = true;
          continue;
        }
        repaired.push(key);
        backlog.stats.repaired++;
      }
    } finally {
      if (repaired.length > 0) parts.publish({ type: 'delete', keys: repaired });
    }
    return again;
  }

  /**
   * Repairs one key: `false` when the tier failed, `'overtaken'` when this process wrote or
   * deleted the key meanwhile (its L1 entry changed), so the key must be checked again.
   */
  async #repairKey(index: number, key: string): Promise<boolean | 'overtaken'> {
    const parts = this.#parts;
    const backlog = this.#backlogs[index]!;
    const held = parts.local(key);
    const mine = held ?? backlog.snapshots.get(key);
    backlog.snapshots.delete(key);
    const settled = (ok: boolean): boolean | 'overtaken' =>
      ok && parts.local(key) !== held ? 'overtaken' : ok;
    if (mine === undefined || mine.staleUntil <= parts.clock.now())
      return settled(await parts.delete(index, key));
    const theirs = await parts.get(index, key);
    // A write of this process since `mine` was taken is newer: writing `mine` would undo it.
    if (parts.local(key) !== held) return 'overtaken';
    // Another process wrote a newer value once the tier was back: keep it. (Equal times are
    // rewritten: two writes of one key can share a millisecond.)
    if (theirs !== undefined && theirs.createdAt > mine.createdAt) return true;
    // Checked again after the write too: a write of this process that raced it through a
    // failover may have landed first.
    return settled(await parts.set(index, key, mine));
  }
}
