import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Step {
  run?: string;
  uses?: string;
}
interface Workflow {
  on: unknown;
  jobs: Record<string, { steps: Step[]; strategy?: { matrix?: { node?: number[] } }; services?: object }>;
}

/** The `pnpm <script>` commands that .ci/run executes, in order (indented, or under `timeout`, too). */
function ciScripts(): string[] {
  return [...read('.ci/run').matchAll(/^\s*(?:timeout \d+ )?pnpm ([a-z:]+)/gm)].map((m) => m[1]!);
}

describe('GitHub workflows', () => {
  const ci = parse(read('.github/workflows/ci.yml')) as Workflow;
  const release = parse(read('.github/workflows/release.yml')) as Workflow;

  it('tests on Node 20, 22 and 24 against Redis and PostgreSQL services', () => {
    const job = ci.jobs.test!;
    expect(job.strategy?.matrix?.node).toEqual([20, 22, 24]);
    expect(Object.keys(job.services ?? {}).sort()).toEqual(['postgres', 'redis']);
  });

  it('runs every check that .ci/run runs, in the same order', () => {
    const scripts = ciScripts();
    expect(scripts).toEqual(
      expect.arrayContaining([
        'install',
        'lint',
        'typecheck',
        'build',
        'check:exports',
        'audit:prod',
        'docs:errors:check',
        'check:consumer',
      ]),
    );
    const runs = ci.jobs.test!.steps.map((step) => step.run).filter((run): run is string => Boolean(run));
    const positions = scripts.map((script) =>
      runs.findIndex((run) => run === `pnpm ${script}` || run.startsWith(`pnpm ${script} `)),
    );
    for (const [i, position] of positions.entries()) {
      expect(position, `ci.yml runs "pnpm ${scripts[i]}"`).toBeGreaterThanOrEqual(0);
    }
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('runs the README quick start verbatim first, before installing or building anything else', () => {
    const run = read('.ci/run');
    const quickStart = run.indexOf('node scripts/quick-start.mjs');
    expect(quickStart).toBeGreaterThan(0);
    expect(quickStart).toBeLessThan(run.indexOf('pnpm install --frozen-lockfile'));
    expect(run.slice(0, quickStart)).toMatch(/export REQUIRE_REDIS=1 REQUIRE_POSTGRES=1/);
    const runs = ci.jobs.test!.steps.map((step) => step.run).filter((r): r is string => Boolean(r));
    expect(runs.indexOf('node scripts/quick-start.mjs')).toBeLessThan(
      runs.findIndex((r) => r.startsWith('pnpm install')),
    );
  });

  it('releases only a main commit whose CI run passed, after the contract checks', () => {
    const trigger = (release.on as { workflow_run?: { workflows?: string[]; branches?: string[] } })
      .workflow_run;
    expect(trigger?.workflows).toEqual([(parse(read('.github/workflows/ci.yml')) as { name: string }).name]);
    expect(trigger?.branches).toEqual(['main']);
    const job = release.jobs.release as { if?: string; steps: Step[] };
    expect(job.if).toContain("conclusion == 'success'");
    const runs = job.steps.map((step) => step.run);
    expect(runs).toEqual(
      expect.arrayContaining(['pnpm api:check', 'pnpm size:check', 'pnpm check:packages']),
    );
  });

  it('publishes with provenance through changesets', () => {
    const steps = release.jobs.release!.steps;
    const publish = steps.find((step) => step.uses?.startsWith('changesets/action'));
    expect(publish).toBeDefined();
    expect(JSON.stringify(publish)).toContain('NPM_CONFIG_PROVENANCE');
    // setup-node's registry-url makes npm read the token from NODE_AUTH_TOKEN, not NPM_TOKEN.
    const registry = steps.some((step) => JSON.stringify(step).includes('registry-url'));
    const env = (publish as { env?: Record<string, string> }).env ?? {};
    if (registry) expect(env.NODE_AUTH_TOKEN).toBe(env.NPM_TOKEN);
    expect(env.NPM_TOKEN).toMatch(/secrets\.NPM_TOKEN/);
  });

  it('fails a pull request that changes a package without a changeset, and never skips advisories', () => {
    const job = ci.jobs.changesets as { if?: string; steps: Step[] } | undefined;
    expect(job?.if).toContain("github.event_name == 'pull_request'");
    expect(job?.steps.some((step) => step.run?.startsWith('pnpm changeset status --since='))).toBe(true);
    const audit = ci.jobs.test!.steps.find((step) => step.run === 'pnpm audit:prod') as
      | { 'continue-on-error'?: boolean }
      | undefined;
    expect(audit?.['continue-on-error']).toBeUndefined();
    expect(read('.ci/run')).not.toMatch(/audit:prod \|\| (echo|true)/);
  });
});
