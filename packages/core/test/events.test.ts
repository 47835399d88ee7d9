import { describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../src/events.js';

interface Events {
  open: { retryAfterMs: number };
  close: undefined;
}

describe('createEmitter', () => {
  it('delivers payloads to listeners in subscription order', () => {
    const events = createEmitter<Events>();
    const seen: string[] = [];
    events.on('open', (p) => seen.push(`a${p.retryAfterMs}`));
    events.on('open', (p) => seen.push(`b${p.retryAfterMs}`));
    events.emit('open', { retryAfterMs: 5 });
    expect(seen).toEqual(['a5', 'b5']);
  });

  it('unsubscribes with the returned function, idempotently', () => {
    const events = createEmitter<Events>();
    const listener = vi.fn();
    const other = vi.fn();
    const off = events.on('close', listener);
    events.on('close', other);
    off();
    off();
    events.emit('close', undefined);
    expect(listener).not.toHaveBeenCalled();
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('reports whether anyone listens', () => {
    const events = createEmitter<Events>();
    expect(events.has('open')).toBe(false);
    const off = events.on('open', () => {});
    expect(events.has('open')).toBe(true);
    off();
    expect(events.has('open')).toBe(false);
    events.emit('open', { retryAfterMs: 1 });
  });

  it('keeps calling listeners after one throws and reports the error', () => {
    const onListenerError = vi.fn();
    const events = createEmitter<Events>({ onListenerError });
    const after = vi.fn();
    events.on('close', () => {
      throw new Error('boom');
    });
    events.on('close', after);
    events.emit('close', undefined);
    expect(after).toHaveBeenCalledTimes(1);
    expect(onListenerError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }), 'close');
  });

  it('warns through process warnings by default', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const events = createEmitter<Events>();
      events.on('close', () => {
        throw new Error('boom');
      });
      events.emit('close', undefined);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('"close" threw'), 'BallastListenerWarning');
    } finally {
      warn.mockRestore();
    }
  });
});
