/** A listener for one event type. */
export type Listener<T> = (payload: T) => void;

/** The subscribe side of a typed event emitter: what objects expose as `on`. */
export interface EventSource<Events extends object> {
  /** Subscribes `listener` to `event`; call the returned function to unsubscribe. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void;
}

/** A typed event emitter, kept private by its owner, which exposes only `on`. */
export interface Emitter<Events extends object> extends EventSource<Events> {
  /** Calls every listener of `event` in subscription order. A throwing listener never stops the others. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void;
  /** Whether anyone listens to `event`: check it before building an expensive payload. */
  has(event: keyof Events): boolean;
}

/** Options for {@link createEmitter}. */
export interface EmitterOptions {
  /**
   * Receives errors thrown by listeners.
   * @defaultValue emits a process warning naming the event
   */
  onListenerError?: (error: unknown, event: PropertyKey) => void;
}

function warnListenerError(error: unknown, event: PropertyKey): void {
  process.emitWarning(`A listener for "${String(event)}" threw: ${String(error)}`, 'BallastListenerWarning');
}

/**
 * Creates a small typed event emitter. Emitting with no listeners costs a map
 * lookup; listeners run synchronously and their errors go to `onListenerError`.
 *
 * @example
 * const events = createEmitter<{ open: { retryAfterMs: number } }>();
 * const off = events.on('open', ({ retryAfterMs }) => console.log(retryAfterMs));
 * off();
 */
export function createEmitter<Events extends object>(options: EmitterOptions = {}): Emitter<Events> {
  const onError = options.onListenerError ?? warnListenerError;
  const listeners = new Map<keyof Events, Listener<never>[]>();
  return {
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      listeners.set(event, [...list, listener as Listener<never>]);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        const current = listeners.get(event) ?? [];
        const next = current.filter((candidate) => candidate !== listener);
        if (next.length === 0) listeners.delete(event);
        else listeners.set(event, next);
      };
    },
    emit(event, payload) {
      const list = listeners.get(event);
      if (list === undefined) return;
      for (const listener of list) {
        try {
          (listener as Listener<typeof payload>)(payload);
        } catch (error) {
          onError(error, event);
        }
      }
    },
    has(event) {
      return listeners.has(event);
    },
  };
}
