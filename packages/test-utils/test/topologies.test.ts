import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { redisTopologies, requireRedisServer } from '../src/index.js';

const topologies = await redisTopologies();
afterAll(() => Promise.all(topologies.map((topology) => topology.stop())));

describe('redisTopologies', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('starts a single node, a 3+3 cluster and a sentinel setup that all serve writes', async () => {
    expect(topologies.map((topology) => topology.name)).toEqual(['single', 'cluster', 'sentinel']);
    for (const topology of topologies) {
      const client = topology.client();
      const key = `ballast-test:topology:${topology.name}:${process.pid}`;
      await client.set(key, topology.name, 'PX', 10_000);
      expect(await client.get(key)).toBe(topology.name);
      await client.del(key);
    }
  });

  it('runs a cluster of three masters, each with one replica in sync', async () => {
    const cluster = topologies.find((topology) => topology.name === 'cluster')!.cluster!;
    expect(cluster.servers).toHaveLength(6);
    expect(await cluster.masters()).toHaveLength(3);
    const info = await cluster.cli(cluster.servers[0]!.port, 'CLUSTER', 'INFO');
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_slots_assigned:16384/);
  });

  it('runs a sentinel quorum that names the master', async () => {
    const sentinel = topologies.find((topology) => topology.name === 'sentinel')!.sentinel!;
    expect(sentinel.sentinels).toHaveLength(3);
    expect(await sentinel.master()).toBe(sentinel.servers[0]!.port);
  });

  it('skips loudly without redis-server, and throws under REQUIRE_REDIS=1', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubEnv('REQUIRE_REDIS', '');
    expect(await requireRedisServer('/nonexistent/redis-server')).toBe(false);
    expect(warn.mock.calls[0]?.[0]).toMatch(/SKIPPING Redis Cluster\/Sentinel tests/);
    vi.stubEnv('REQUIRE_REDIS', '1');
    await expect(requireRedisServer('/nonexistent/redis-server')).rejects.toThrow(/REQUIRE_REDIS=1/);
  });
});
