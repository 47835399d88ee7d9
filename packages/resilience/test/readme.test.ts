import { readFileSync } from 'node:fs';
import * as errors from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import * as resilience from '../src/index.js';

const exportsOf: Record<string, Record<string, unknown>> = {
  '@ballast/errors': errors,
  '@ballast/resilience': resilience,
};

const docs = {
  'packages/resilience/README.md': new URL('../README.md', import.meta.url),
  'docs/guides/resilience.md': new URL('../../../docs/guides/resilience.md', import.meta.url),
};

/** The `ts` code blocks of a markdown file. */
function samples(file: URL): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

/** `name → package` for every `import { … } from '@ballast/…'` of a sample. */
function importsOf(sample: string): Map<string, string> {
  const imported = new Map<string, string>();
  for (const [, names, pkg] of sample.matchAll(/import \{([^}]+)\} from '(@ballast\/[a-z-]+)'/g)) {
    for (const name of (names as string).split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
      if (name !== '') imported.set(name, pkg as string);
    }
  }
  return imported;
}

describe.each(Object.entries(docs))('%s samples', (_, file) => {
  it('import only what the package they name exports', () => {
    const wrong: string[] = [];
    for (const sample of samples(file)) {
      for (const [name, pkg] of importsOf(sample)) {
        if (!(pkg in exportsOf) || !(name in exportsOf[pkg]!)) wrong.push(`${name} from ${pkg}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('import every error class they construct or check, from the package that exports it', () => {
    const missing: string[] = [];
    for (const sample of samples(file)) {
      const imported = importsOf(sample);
      for (const [, name] of sample.matchAll(/\b([A-Z][A-Za-z]+Error)(?=\(|\.is\()/g)) {
        if (!imported.has(name as string)) missing.push(name as string);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('error classes the docs name', () => {
  it('come from @ballast/errors, except the two @ballast/resilience defines', () => {
    expect(Object.keys(resilience).filter((name) => /^[A-Z]\w*Error$/.test(name))).toEqual([
      'BrokenCircuitError',
      'BulkheadRejectedError',
    ]);
    for (const name of ['TimeoutError', 'RateLimitedError', 'ValidationError', 'ConfigurationError']) {
      expect(name in errors, `@ballast/errors exports ${name}`).toBe(true);
      expect(name in resilience, `@ballast/resilience does not export ${name}`).toBe(false);
    }
  });
});
