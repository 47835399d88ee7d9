import { quantile } from '../src/load.js';
import { createService } from '../src/service.js';

// `pnpm --filter http-service measure:hedge`: upstream product reads (through
// the batcher and the whole resilience pipeline, no cache) with the hedge at 150 ms against
// the same service with the hedge off, 300 sequential reads a round, rounds alternated, the
// median of 3 rounds each. The upstream is the default one: 20-60 ms, 3 % of answers 400 ms
// slower, 2 % of them 500s.
const discard = { name: 'discard', write() {} };
const services = {
  hedged: await createService({ logSinks: [discard], seed: 7 }),
  plain: await createService({ logSinks: [discard], seed: 7, hedgeDelay: '1h' }),
};
const rounds = { hedged: [] as number[][], plain: [] as number[][] };
for (let round = 0; round < 6; round++) {
  const order = round % 2 === 0 ? (['hedged', 'plain'] as const) : (['plain', 'hedged'] as const);
  for (const name of order) {
    const service = services[name];
    const before = service.upstream.stats().requests;
    const latencies: number[] = [];
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      await service.catalog.lookups.load((i % 50) + 1);
      latencies.push(performance.now() - started);
    }
    const calls = (service.upstream.stats().requests - before) / 300;
    rounds[name].push([quantile(latencies, 0.5), quantile(latencies, 0.99), calls]);
  }
}
for (const name of ['plain', 'hedged'] as const) {
  const median = (i: number) =>
    quantile(
      rounds[name].map((r) => r[i] as number),
      0.5,
    );
  console.log(
    `${name.padEnd(6)}  p50 ${median(0).toFixed(1)} ms  p99 ${median(1).toFixed(1)} ms  upstream calls per read ${median(2).toFixed(3)}`,
  );
}
await Promise.all([services.hedged.close(), services.plain.close()]);
