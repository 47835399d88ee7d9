import { systemClock } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import { checkOptions, keysOf } from '../internal/options.js';
import type { HealthCheck } from '../types.js';
import { applySettings, type CheckSettings, reason, SETTINGS_KEYS } from './settings.js';

/** Options for {@link httpCheck}. */
export interface HttpCheckOptions extends CheckSettings {
  /**
   * The statuses that pass: one, a list, or a predicate.
   * @defaultValue any 2xx or 3xx status
   */
  expectStatus?: number | readonly number[] | ((status: number) => boolean);
  /** The HTTP method of the probe request. @defaultValue `'GET'` */
  method?: string;
  /** Request headers (an API key, a Host override). */
  headers?: Record<string, string>;
}

const HTTP_KEYS = keysOf<HttpCheckOptions>({
  ...SETTINGS_KEYS,
  expectStatus: true,
  method: true,
  headers: true,
});
const HTTP_HINTS = { url: "the URL is httpCheck's first argument: httpCheck(url, options)" };

// RFC 9110 token: what fetch accepts as a method.
const TOKEN = /^[!#$%&'*+.^_`|~\dA-Za-z-]+$/;

/** Fails at creation on headers fetch would reject on every run. */
function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const expected = "an object of header names to values, like { 'x-api-key': key }";
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw invalidOption('headers', headers, expected);
  }
  try {
    new Headers(headers);
  } catch {
    // The values are left out of the message: they are often credentials.
    throw invalidOption(
      'headers',
      Object.keys(headers),
      `${expected}; names without spaces or colons, values without line breaks`,
    );
  }
  return headers;
}

function statusMatcher(expect: HttpCheckOptions['expectStatus']): [(status: number) => boolean, string] {
  if (expect === undefined) return [(status) => status >= 200 && status < 400, '2xx or 3xx'];
  if (typeof expect === 'function') return [expect, 'an accepted status'];
  const list = typeof expect === 'number' ? [expect] : expect;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((s) => Number.isInteger(s) && s >= 100 && s < 600)
  ) {
    throw invalidOption(
      'expectStatus',
      expect,
      'an HTTP status, a list of them or a function (status) => boolean',
    );
  }
  return [(status) => list.includes(status), list.join(' or ')];
}

/**
 * Checks an HTTP dependency with one request (redirects are not followed), reporting
 * the latency in ms; an unexpected status or a network error fails.
 *
 * @example httpCheck('https://payments.internal/health', { expectStatus: 200, timeout: '1s' })
 * @throws ConfigurationError for a URL that is not http(s), a bad expectStatus, method or headers.
 */
export function httpCheck(url: string | URL, options: HttpCheckOptions = {}): HealthCheck {
  checkOptions('httpCheck', options, HTTP_KEYS, HTTP_HINTS);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw invalidOption('httpCheck url', url, 'an absolute http:// or https:// URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw invalidOption('httpCheck url', String(url), 'an absolute http:// or https:// URL');
  }
  const [accepts, expected] = statusMatcher(options.expectStatus);
  const method = options.method ?? 'GET';
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    throw invalidOption('method', method, "an HTTP method, like 'GET', 'HEAD' or 'POST'");
  }
  const headers = checkHeaders(options.headers ?? {});
  const clock = options.clock ?? systemClock;
  const shown = `${method} ${target.origin}${target.pathname}`;
  const check: HealthCheck = {
    name: target.host,
    componentType: 'component',
    measurement: 'responseTime',
    observedUnit: 'ms',
    async run(signal) {
      const started = clock.now();
      let status: number;
      try {
        const response = await fetch(target, { method, headers, signal, redirect: 'manual' });
        status = response.status;
        await response.body?.cancel();
      } catch (error) {
        return {
          status: 'fail',
          output: `${shown} failed: ${reason(error)}`,
          suggestion: `Check that ${target.host} is up and reachable from this host.`,
        };
      }
      const latency = clock.now() - started;
      if (!accepts(status)) {
        return {
          status: 'fail',
          observedValue: latency,
          output: `${shown} answered ${status} (expected ${expected})`,
          suggestion: `Look at the health of ${target.host}: it answers, but not as expected.`,
        };
      }
      return { status: 'pass', observedValue: latency, output: `${shown} answered ${status}` };
    },
  };
  return applySettings(check, options);
}
