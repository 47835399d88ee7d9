import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, DEFAULT_KEYS, DEFAULT_PATTERNS, normalizeKey } from '../src/index.js';

const secretKeys = new Set(DEFAULT_KEYS.map(normalizeKey));
const redact = createRedactor();
/** `FC_RUNS=5000` for a longer local hunt; CI keeps the default. */
const numRuns = Number(process.env.FC_RUNS ?? 100);

/** Filler text that no detector matches: lower-case words. */
const word = fc.stringMatching(/^[a-z]{1,8}$/).filter((w) => w !== 'basic' && w !== 'bearer');
const text = fc.array(word, { maxLength: 4 }).map((words) => words.join(' '));
/** Ordinary keys, never a secret one. */
const plainKey = word.filter((key) => !secretKeys.has(normalizeKey(key)));

/** Spellings of a secret key: any casing, with `-`, `_` or nothing between words. */
const secretKey = fc
  .tuple(
    fc.constantFrom(...DEFAULT_KEYS),
    fc.constantFrom('-', '_', ''),
    fc.array(fc.boolean(), { maxLength: 20 }),
  )
  .map(([key, sep, upper]) =>
    [...key.replace(/[-_]/g, sep)]
      .map((ch, i) => (upper[i % Math.max(upper.length, 1)] ? ch.toUpperCase() : ch))
      .join(''),
  );

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** A value written after its key in text; never an auth scheme, which the detector steps over. */
const assignedValue = fc
  .stringMatching(/^[a-z0-9]{1,12}$/)
  .filter((v) => !['bearer', 'basic', 'digest', 'negotiate'].includes(v));
/**
 * A value in quotes or brackets after its key: `Q7` (a marker no other generated text
 * holds, so a leak of the value shows), then letters, digits, spaces, the other quote,
 * and escaped quotes and backslashes inside quotes.
 */
const enclosedValue = fc.oneof(
  ...(['"', "'"] as const).map((quote) =>
    fc
      .array(fc.constantFrom('a', 'z', '0', ' ', quote === '"' ? "'" : '"', `\\${quote}`, '\\\\'), {
        maxLength: 8,
      })
      .map((parts) => ({ open: quote, close: quote, inner: `Q7${parts.join('')}` })),
  ),
  fc
    .array(fc.constantFrom('a', 'z', '0', ' ', ',', '"', "'"), { maxLength: 8 })
    .map((parts) => ({ open: '[', close: ']', inner: `Q7${parts.join('')}` })),
);
/** A URL password: any printable character but `@` and `:`, and never a port (`8080/…`). */
const urlPassword = fc.stringMatching(/^[A-Za-z0-9!$%/?# ]{1,12}$/).filter((p) => !/^\d{1,5}[/?#\s]/.test(p));

/**
 * Secrets that live inside strings: the raw text, what it must become, and the part that
 * must never show (the raw text unless said otherwise).
 */
const embedded: fc.Arbitrary<{ raw: string; out: string; secret?: string }> = fc.oneof(
  fc
    .tuple(secretKey, fc.constantFrom('=', ': ', '":"', ' = '), assignedValue)
    .map(([key, sep, value]) => ({ raw: `${key}${sep}${value}`, out: `${key}${sep}[REDACTED]` })),
  fc
    .tuple(secretKey, fc.constantFrom('=', ': ', '":', ' = '), enclosedValue)
    .map(([key, sep, { open, close, inner }]) => ({
      raw: `${key}${sep}${open}${inner}${close}`,
      out: open === '[' ? `${key}${sep}[REDACTED]` : `${key}${sep}${open}[REDACTED]${close}`,
      secret: inner,
    })),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/), fc.stringMatching(/^[A-Za-z0-9_-]{8,30}$/))
    .map(([a, b]) => ({ raw: `eyJ${a}.eyJ${b}.sig_${a}`, out: '[REDACTED]' })),
  fc.stringMatching(/^[a-z0-9]{10,30}[0-9]$/).map((t) => ({ raw: `Bearer ${t}`, out: 'Bearer [REDACTED]' })),
  fc
    .tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z0-9]{1,8}$/))
    .map(([u, p]) => ({ raw: `Basic ${b64(`${u}:${p}`)}`, out: 'Basic [REDACTED]' })),
  fc.stringMatching(/^[A-Z0-9]{16}$/).map((k) => ({ raw: `AKIA${k}`, out: '[REDACTED]' })),
  fc
    .constantFrom('4111111111111111', '4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005')
    .map((c) => ({
      raw: c,
      out: '[REDACTED]',
    })),
  fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), urlPassword).map(([u, p]) => ({
    raw: `https://${u}:${p}@host.example/path`,
    out: `https://${u}:[REDACTED]@host.example/path`,
  })),
  fc.stringMatching(/^[A-Za-z0-9+/]{16,64}$/).map((body) => ({
    raw: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`,
    out: '[REDACTED]',
  })),
);

interface Case {
  input: unknown;
  expected: unknown;
  secrets: string[];
  /** Concrete locations of secrets that only a `paths` entry can find. */
  paths: (string | number)[][];
}

/** `['a', 0, 'x-y']` → `a[0]["x-y"]`. */
function pathString(segments: (string | number)[]): string {
  return segments
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!/^[a-z]+$/i.test(segment)) return `[${JSON.stringify(segment)}]`;
      return i === 0 ? segment : `.${segment}`;
    })
    .join('');
}

const leaf: fc.Arbitrary<Case> = fc.oneof(
  text.map((s) => ({ input: s, expected: s, secrets: [], paths: [] })),
  fc
    .oneof(fc.integer(), fc.boolean(), fc.constant(null))
    .map((v) => ({ input: v, expected: v, secrets: [], paths: [] })),
  fc.tuple(text, embedded, text).map(([before, secret, after]) => ({
    input: `${before} ${secret.raw} ${after}`,
    expected: `${before} ${secret.out} ${after}`,
    secrets: [secret.secret ?? secret.raw],
    paths: [],
  })),
);

const tree: fc.Arbitrary<Case> = fc.letrec<{ node: Case }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }).map((items) => ({
      input: items.map((c) => c.input),
      expected: items.map((c) => c.expected),
      secrets: items.flatMap((c) => c.secrets),
      paths: items.flatMap((c, i) => c.paths.map((path) => [i, ...path])),
    })),
    fc
      .uniqueArray(
        fc.tuple(
          fc.oneof(plainKey, secretKey),
          tie('node'),
          fc.stringMatching(/^[a-z0-9]{6,12}$/),
          fc.boolean(),
        ),
        { maxLength: 5, selector: ([key]) => key },
      )
      .map((entries) => {
        const input: Record<string, unknown> = {};
        const expected: Record<string, unknown> = {};
        const secrets: string[] = [];
        const paths: (string | number)[][] = [];
        for (const [key, child, secretValue, viaPath] of entries) {
          if (secretKeys.has(normalizeKey(key)) || viaPath) {
            const planted = `pw-${secretValue}`;
            input[key] = planted;
            expected[key] = '[REDACTED]';
            secrets.push(planted);
            if (viaPath) paths.push([key]);
          } else {
            input[key] = child.input;
            expected[key] = child.expected;
            secrets.push(...child.secrets);
            paths.push(...child.paths.map((path) => [key, ...path]));
          }
        }
        return { input, expected, secrets, paths };
      }),
  ),
})).node;

/** `secret` as it would show inside a JSON string. */
const inJson = (secret: string) => JSON.stringify(secret).slice(1, -1);

const U = '[Unserializable]';
const fail = (): never => {
  throw new Error('hostile');
};

/**
 * Values that throw when read, listed or converted, and what each becomes in the copy.
 * Built inside the property: fast-check itself would trip over them while generating.
 */
const HOSTILE: readonly (() => { value: unknown; expected: unknown })[] = [
  () => ({ value: new Proxy({}, { get: fail }), expected: U }),
  () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    return { value: revocable.proxy, expected: U };
  },
  () => ({ value: new Proxy(new Error('x'), { getPrototypeOf: fail }), expected: U }),
  () => ({ value: new Proxy({ a: 1 }, { ownKeys: fail }), expected: U }),
  () => ({ value: new Proxy([1, 2], { get: fail }), expected: U }),
  () => ({ value: new Proxy(new Map([['a', 1]]), {}), expected: U }),
  () => ({ value: new Proxy(new Date(0), {}), expected: U }),
  () => ({ value: { toJSON: fail }, expected: U }),
  () => ({
    value: Object.defineProperty({ ok: 1 }, 'boom', { get: fail, enumerable: true }),
    expected: { ok: 1, boom: U },
  }),
  () => ({ value: Object.defineProperty([1], 1, { get: fail, enumerable: true }), expected: [1, U] }),
];
const hostileKind = fc.nat({ max: HOSTILE.length - 1 });

/** Stands for a hostile value in a generated structure until {@link plantHostile} swaps it in. */
class Slot {
  constructor(readonly kind: number) {}
}

/** A copy of `value` with every {@link Slot} (in arrays, objects and Map values) made hostile. */
function plantHostile(value: unknown): unknown {
  if (value instanceof Slot) return HOSTILE[value.kind]!().value;
  if (Array.isArray(value)) return value.map(plantHostile);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, plantHostile(v)]));
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = Object.create(proto) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = plantHostile((value as Record<string, unknown>)[key]);
  return out;
}

describe('redaction properties', () => {
  it('leaves no planted secret in the JSON, keeps everything else byte for byte, never mutates, is idempotent', () => {
    fc.assert(
      fc.property(tree, ({ input, expected, secrets, paths }) => {
        const redact = createRedactor({ paths: paths.map(pathString) });
        const before = JSON.stringify(input);
        const out = redact(input);
        const json = JSON.stringify(out);
        for (const secret of secrets) expect(json).not.toContain(inJson(secret));
        expect(json).toBe(JSON.stringify(expected));
        expect(JSON.stringify(input)).toBe(before);
        expect(JSON.stringify(redact(out))).toBe(json);
      }),
      { numRuns: numRuns * 2 },
    );
  });

  it("is idempotent with censor: 'hash': a pseudonym is never hashed again", () => {
    fc.assert(
      fc.property(tree, ({ input, paths }) => {
        const hashed = createRedactor({ censor: 'hash', hashKey: 'k', paths: paths.map(pathString) });
        const once = JSON.stringify(hashed(input));
        expect(JSON.stringify(hashed(JSON.parse(once)))).toBe(once);
      }),
      { numRuns },
    );
  });

  it('leaves no secret in an object key and loses no value, even when censored keys collide', () => {
    const part = fc.tuple(text, embedded, text);
    // Key names off, so a key ending in a secret name (`… PRIVATE KEY-----`) keeps its value.
    const scanKeys = createRedactor({ keys: false });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        // Keys made unique by their index: each must come out exactly censored.
        const input = Object.fromEntries(parts.map(([b, s, a], i) => [`${b} ${s.raw} ${a} k${i}`, i]));
        const expected = Object.fromEntries(parts.map(([b, s, a], i) => [`${b} ${s.out} ${a} k${i}`, i]));
        expect(scanKeys(input)).toEqual(expected);
        // The same keys without the index: several may censor to one name, and all values stay.
        const bare = Object.fromEntries(parts.map(([b, s, a], i) => [`${b} ${s.raw} ${a}`, i]));
        const out = scanKeys(bare) as Record<string, number>;
        const json = JSON.stringify(out);
        for (const [, s] of parts) expect(json).not.toContain(inJson(s.secret ?? s.raw));
        expect(Object.values(out).sort()).toEqual(Object.values(bare).sort());
      }),
      { numRuns },
    );
  });

  it('redacts every planted secret beside hostile values, and marks each hostile value [Unserializable]', () => {
    fc.assert(
      fc.property(tree, hostileKind, fc.boolean(), ({ input, expected, secrets, paths }, kind, inArray) => {
        const bad = HOSTILE[kind]!();
        const value = inArray ? [bad.value, input] : { bad: bad.value, input };
        const at = inArray ? 1 : 'input';
        const out = createRedactor({ paths: paths.map((path) => pathString([at, ...path])) })(value);
        const json = JSON.stringify(out);
        for (const secret of secrets) expect(json).not.toContain(secret);
        expect(json).toBe(
          JSON.stringify(inArray ? [bad.expected, expected] : { bad: bad.expected, input: expected }),
        );
      }),
      { numRuns },
    );
  });

  it('agrees between the paths-only walk and the full walk for any paths', () => {
    const segment = fc.oneof(fc.constantFrom('a', 'b', '*', '[0]', '[1]', '["x-y"]'));
    const pathArb = fc
      .array(segment, { minLength: 1, maxLength: 4 })
      .map((segs) => segs.map((s, i) => (s.startsWith('[') || i === 0 ? s : `.${s}`)).join(''));
    const valueArb = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'x-y', '0', '1', 'c'), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(
        fc.array(pathArb, { minLength: 1, maxLength: 3 }),
        valueArb,
        fc.boolean(),
        (paths, value, remove) => {
          const fixed = paths.map((p) => (p.startsWith('.') ? p.slice(1) : p));
          const base = { paths: fixed, keys: false as const, patterns: false as const, remove };
          const before = JSON.stringify(value);
          const fast = createRedactor(base)(value);
          const full = createRedactor({ ...base, normalize: true })(value);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(full));
          expect(JSON.stringify(value)).toBe(before);
        },
      ),
    );
  });

  it('never throws and always returns JSON-stringifiable output, for anything including cycles and hostile values', () => {
    const anything = fc.anything({
      values: [
        fc.boolean(),
        fc.integer(),
        fc.string(),
        fc.constant(null),
        fc.constant(undefined),
        hostileKind.map((kind) => new Slot(kind)),
      ],
      withBigInt: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
      withNullPrototype: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(anything, fc.boolean(), (generated, cyclic) => {
        const value = plantHostile(generated);
        let input: unknown = value;
        if (cyclic) {
          const holder: Record<string, unknown> = { value };
          holder.self = holder;
          holder.err = Object.assign(new Error('boom'), { holder });
          input = holder;
        }
        const out = redact(input);
        expect(() => JSON.stringify(out)).not.toThrow();
      }),
      { numRuns },
    );
  });

  it('never lets the pre-check skip a secret: every redactable default match is at least minLength long and contains its hint', () => {
    // Near-minimal instances of every default pattern, glued with or without separators.
    const fragment = fc.oneof(
      fc
        .tuple(
          fc.stringMatching(/^[\w-]{5,7}$/),
          fc.stringMatching(/^[\w-]{5,7}$/),
          fc.stringMatching(/^[\w-]{0,2}$/),
        )
        .map(([a, b, c]) => `eyJ${a}.eyJ${b}.${c}`),
      fc
        .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER'), fc.stringMatching(/^[a-z]{7,9}[0-9]$/))
        .map(([scheme, t]) => `${scheme} ${t}`),
      fc
        .stringMatching(/^[a-z]{1,3}:[a-z]{1,3}$/)
        .map((cred) => `Basic ${Buffer.from(cred).toString('base64')}`),
      fc.stringMatching(/^[A-Z0-9]{16}$/).map((k) => `AKIA${k}`),
      fc
        .tuple(
          fc.constantFrom('awssecretkey', 'aws_secret_key', 'AWS_SECRET_ACCESS_KEY'),
          fc.constantFrom('=', ':', ' = '),
          fc.stringMatching(/^[A-Za-z0-9/+=]{40}$/),
        )
        .map(([name, sep, key]) => `${name}${sep}${key}`),
      fc
        .tuple(fc.constantFrom('', ' RSA', ' EC'), fc.stringMatching(/^[A-Za-z0-9]{0,4}$/), fc.boolean())
        .map(
          ([kind, body, end]) =>
            `-----BEGIN${kind} PRIVATE KEY-----${body}${end ? '-----END PRIVATE KEY-----' : ''}`,
        ),
      fc.constantFrom('4111111111111111', '4222222222222', '5555 5555 5555 4444', '3782-822463-10005'),
      fc
        .tuple(
          fc.stringMatching(/^[a-z]{1,3}$/),
          fc.stringMatching(/^[a-z]{0,2}$/),
          fc.stringMatching(/^[a-z0-9]{1,3}$/),
        )
        .map(([scheme, user, pass]) => `${scheme}://${user}:${pass}@`),
      fc
        .tuple(
          fc.constantFrom('ssn', 'cvv', 'token', 'Api-Key'),
          fc.constantFrom('=', ':', '": "'),
          fc.stringMatching(/^[a-z0-9]{1,3}$/),
        )
        .map(([key, sep, value]) => `${key}${sep}${value}`),
      fc.stringMatching(/^[a-z0-9 .:@/-]{0,4}$/),
    );
    const glue = fc.constantFrom('', ' ', '.', '-', ':', '@', '/', 'x');
    const textArb = fc
      .array(fc.tuple(fragment, glue), { maxLength: 6 })
      .map((parts) => parts.map(([f, g]) => f + g).join(''));
    fc.assert(
      fc.property(textArb, (text) => {
        for (const pattern of DEFAULT_PATTERNS) {
          const hint = new RegExp(pattern.hint!, 'i');
          for (const match of text.matchAll(new RegExp(pattern.regex.source, `${pattern.regex.flags}d`))) {
            const span = match.indices![pattern.group ?? 0];
            const secret = span === undefined ? '' : text.slice(span[0], span[1]);
            if (secret === '' || (pattern.validate !== undefined && !pattern.validate(secret))) continue;
            expect(match[0].length).toBeGreaterThanOrEqual(pattern.minLength ?? 0);
            expect(hint.test(match[0])).toBe(true);
          }
        }
      }),
      { numRuns: numRuns * 5 },
    );
  });
});
