const flushers = new Set<() => void>();

function onExit(): void {
  for (const flush of flushers) {
    try {
      flush();
    } catch {
      // Exiting: a sink that cannot write now never will.
    }
  }
}

/**
 * Runs `flush` synchronously when the process exits (`process.exit`, or the loop
 * running dry), so buffered lines reach their file. One `exit` listener serves
 * every sink. Returns the function that unregisters it.
 */
export function flushOnExit(flush: () => void): () => void {
  if (flushers.size === 0) process.on('exit', onExit);
  flushers.add(flush);
  return () => {
    flushers.delete(flush);
    if (flushers.size === 0) process.removeListener('exit', onExit);
  };
}
