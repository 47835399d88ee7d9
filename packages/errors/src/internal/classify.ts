import type { ErrorCategory } from '../categories.js';

/** What we learn about a foreign error from its `code`: its category and what to try. */
export interface Classification {
  readonly category: ErrorCategory;
  readonly suggestions: (where: string) => string[];
}

const retry = 'Retry in a moment; the failure may be transient.';

const network = (what: (where: string) => string): Classification => ({
  category: 'network',
  suggestions: (where) => [what(where), retry],
});

const timedOut = (what: (where: string) => string): Classification => ({
  category: 'timeout',
  suggestions: (where) => [what(where), retry],
});

const unreachableOrOverloaded = timedOut(
  (w) => `Check that the service${w} is reachable and not overloaded.`,
);

/** Node (libuv), undici and DNS error codes that mean the network failed. */
export const SYSTEM_CODES: Readonly<Record<string, Classification>> = Object.freeze({
  ECONNREFUSED: network((w) => `Check that the service${w} is running and accepts connections.`),
  ECONNRESET: network(
    (w) => `The connection${w} was reset by the peer; check its logs and any proxy idle timeouts.`,
  ),
  ECONNABORTED: network((w) => `The connection${w} was aborted; check the network path to it.`),
  EPIPE: network((w) => `The connection${w} closed while data was being written; check the peer's logs.`),
  ENOTFOUND: network((w) => `Check the host name${w}: the DNS lookup found no such host.`),
  EAI_AGAIN: network((w) => `The DNS lookup${w} failed temporarily; check the DNS resolver.`),
  EHOSTUNREACH: network((w) => `The host${w} is unreachable; check routing and firewalls.`),
  ENETUNREACH: network((w) => `The network${w} is unreachable; check the network connection.`),
  ENETDOWN: network(() => 'The network is down; check the network connection.'),
  UND_ERR_SOCKET: network((w) => `The socket${w} failed; check the peer's logs.`),
  ERR_SOCKET_CONNECTION_TIMEOUT: unreachableOrOverloaded,
  ETIMEDOUT: unreachableOrOverloaded,
  ESOCKETTIMEDOUT: unreachableOrOverloaded,
  UND_ERR_CONNECT_TIMEOUT: unreachableOrOverloaded,
  UND_ERR_HEADERS_TIMEOUT: timedOut(
    (w) => `The service${w} accepted the request but was slow to answer; check its load.`,
  ),
  UND_ERR_BODY_TIMEOUT: timedOut((w) => `The service${w} was slow to send its response; check its load.`),
  ABORT_ERR: { category: 'cancelled', suggestions: () => [] },
});

/** Redis server replies (ioredis `ReplyError`) that mean the server cannot serve right now. */
const REDIS_UNAVAILABLE = /^(?:LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY|OOM|NOREPLICAS)\b/;
const REDIS_AUTH = /^(?:NOAUTH|WRONGPASS|NOPERM)\b/;

/** What an ioredis error means, by name and message, or `undefined` when it is not one. */
export function classifyRedis(name: string, message: string): Classification | undefined {
  if (name === 'MaxRetriesPerRequestError') {
    return {
      category: 'unavailable',
      suggestions: () => ['Check that Redis is running and reachable.', retry],
    };
  }
  if (message === 'Connection is closed.' || message.startsWith("Stream isn't writeable")) {
    return {
      category: 'network',
      suggestions: () => ['Check that Redis is running and reachable.', retry],
    };
  }
  if (message === 'Command timed out') {
    return {
      category: 'timeout',
      suggestions: () => ['Check the Redis server load and the commandTimeout option.', retry],
    };
  }
  if (name !== 'ReplyError') return undefined;
  if (REDIS_UNAVAILABLE.test(message)) {
    return {
      category: 'unavailable',
      suggestions: () => [
        'Redis cannot serve this command right now; check its state (loading, replica, memory).',
      ],
    };
  }
  if (REDIS_AUTH.test(message)) {
    return {
      category: 'configuration',
      suggestions: () => ['Check the Redis user name, password and ACL permissions.'],
    };
  }
  return undefined;
}

/** The category an HTTP status belongs to. */
export function categoryOfStatus(status: number): ErrorCategory {
  switch (status) {
    case 401:
      return 'authentication';
    case 403:
      return 'authorization';
    case 404:
    case 410:
      return 'not_found';
    case 409:
    case 412:
      return 'conflict';
    case 408:
    case 504:
      return 'timeout';
    case 429:
      return 'rate_limited';
    case 499:
      return 'cancelled';
    case 502:
      return 'network';
    case 503:
      return 'unavailable';
  }
  return status >= 400 && status < 500 ? 'validation' : 'internal';
}
