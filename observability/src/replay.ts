// Replays the mixin's alerting rules over the scrapes of one run (the demo's): which
// alerts would have fired, when, and in which phase. The rules are evaluated from the
// same expression trees the rule files are rendered from (promql.ts `evaluate`), with
// the run's time compressed: at `scale` 1/60 a `5m` window is the last 5 s of the run and
// `for: 2m` holds for 2 s.
import { ALERT_GROUPS, type Alert } from './mixin.ts';
import { evaluate, type Scrape, seconds } from './promql.ts';

/** One phase of the run, in seconds since the first scrape. */
export interface PhaseSpan {
  readonly name: string;
  readonly start: number;
}

/** An alert that would have fired. */
export interface FiredAlert {
  readonly alert: string;
  readonly severity: Alert['severity'];
  /** When it fired, seconds since the first scrape. */
  readonly at: number;
  /** The phase it fired in. */
  readonly phase: string;
  /** The summary annotation with its labels and value filled in. */
  readonly summary: string;
  /** The runbook, as a repository path. */
  readonly runbook: string;
  readonly labels: Readonly<Record<string, string>>;
}

const number = (value: number): string =>
  Number.isFinite(value) ? String(Number(value.toPrecision(3))) : String(value);

/** Fills `{{ $labels.x }}` and `{{ $value | … }}` as Prometheus templates would (a subset). */
export function fillTemplate(text: string, labels: Readonly<Record<string, string>>, value: number): string {
  return text
    .replace(/\{\{\s*\$labels\.([a-zA-Z0-9_]+)\s*\}\}/g, (_, label: string) => labels[label] ?? '')
    .replace(/\{\{\s*\$value(?:\s*\|\s*(\w+))?\s*\}\}/g, (_, fn: string | undefined) => {
      if (fn === 'humanizePercentage') return `${number(value * 100)}%`;
      if (fn === 'humanizeDuration') return `${number(value)}s`;
      return number(value);
    });
}

/** The phase a time falls in. */
function phaseAt(phases: readonly PhaseSpan[], at: number): string {
  let found = phases[0]?.name ?? 'run';
  for (const phase of phases) if (phase.start <= at) found = phase.name;
  return found;
}

/**
 * Every alert that would have fired over the scrapes, once per alert and label set, in
 * firing order. An alert fires when its expression has held at every scrape for its
 * `for` duration (scaled), as Prometheus evaluates it at each rule evaluation. Scrapes
 * before the first phase only give the baseline.
 */
export function replayAlerts(
  scrapes: readonly Scrape[],
  phases: readonly PhaseSpan[],
  scale: number,
): FiredAlert[] {
  const fired: FiredAlert[] = [];
  for (const group of ALERT_GROUPS) {
    for (const alert of group.alerts) {
      const hold = seconds(alert.for) * scale;
      const pending = new Map<string, number>();
      const done = new Set<string>();
      for (const scrape of scrapes.slice(1)) {
        const active = new Set<string>();
        for (const element of evaluate(alert.expr, { scrapes, at: scrape.at, scale })) {
          const key = JSON.stringify(element.labels);
          active.add(key);
          const since = pending.get(key) ?? scrape.at;
          pending.set(key, since);
          if (scrape.at - since + 1e-9 >= hold && !done.has(key)) {
            done.add(key);
            fired.push({
              alert: alert.alert,
              severity: alert.severity,
              at: scrape.at,
              phase: phaseAt(phases, scrape.at),
              summary: fillTemplate(alert.summary, element.labels, element.value),
              runbook: `docs/runbooks/${alert.runbook}.md`,
              labels: element.labels,
            });
          }
        }
        for (const key of pending.keys()) if (!active.has(key)) pending.delete(key);
      }
    }
  }
  return fired.sort((a, b) => a.at - b.at);
}

/** A run being recorded: its scrapes and its phases. */
export interface Recorder {
  /** Marks the start of a phase, now. */
  mark(phase: string): void;
  /** Takes a last scrape, stops, and returns what was recorded. */
  stop(): Promise<{ scrapes: Scrape[]; phases: PhaseSpan[] }>;
}

/**
 * Scrapes `metricsUrl` every `everyMs` (as Prometheus would, on a compressed clock) from
 * now until `stop()`, adding the `job` and `instance` labels Prometheus adds. A failed
 * scrape is skipped, as Prometheus marks the target down.
 */
export function recordRun(
  metricsUrl: string,
  everyMs: number,
  parse: (text: string) => Scrape['samples'],
  job: string,
): Recorder {
  // The labels Prometheus adds to every sample of a target at scrape time.
  const target = { job, instance: new URL(metricsUrl).host };
  const started = performance.now();
  const now = (): number => (performance.now() - started) / 1000;
  const scrapes: Scrape[] = [];
  const phases: PhaseSpan[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const scrape = (): Promise<void> => {
    const at = now();
    inFlight = fetch(metricsUrl)
      .then((res) => res.text())
      .then((text) => {
        scrapes.push({ at, samples: parse(text).map((s) => ({ ...s, labels: { ...s.labels, ...target } })) });
      })
      .catch(() => undefined);
    return inFlight;
  };
  void scrape();
  const timer = setInterval(() => void scrape(), everyMs);
  return {
    mark(phase) {
      phases.push({ name: phase, start: now() });
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
      await scrape();
      scrapes.sort((a, b) => a.at - b.at);
      return { scrapes, phases };
    },
  };
}
