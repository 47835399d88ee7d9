import { abortReason } from '@ballast/core';
import type { Policy, PolicyContext, Work } from '../src/index.js';

/** A policy written by a user, as the docs describe one: a plain object with `execute`. */
export function tagging(tags: string[], tag: string): Policy {
  return {
    async execute<T>(work: Work<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) throw abortReason(signal);
      tags.push(`${tag}:start`);
      const context: PolicyContext = { signal: signal ?? new AbortController().signal, attempt: 1 };
      try {
        return await work(context);
      } finally {
        tags.push(`${tag}:end`);
      }
    },
  };
}
