import { createEmitter, parseDuration } from '@ballast/core';
import { defineSuite } from '../lib.ts';

const events = createEmitter<{ tick: number }>();
let sink = 0;
events.on('tick', (n) => {
  sink += n;
});
const silent = createEmitter<{ tick: number }>();

export default defineSuite({
  id: 'core',
  title: '@ballast/core primitives',
  groups: () => [
    {
      title: 'parseDuration',
      note: 'Parsing happens at construction time only; this guards against accidental slowness.',
      cases: [
        { name: "parseDuration('1h30m')", role: 'ballast', fn: () => parseDuration('1h30m') },
        { name: 'parseDuration(250)', role: 'ballast', fn: () => parseDuration(250) },
      ],
    },
    {
      title: 'typed event emit',
      cases: [
        { name: 'emit, one listener', role: 'ballast', fn: () => events.emit('tick', 1) },
        { name: 'emit, no listener', role: 'ballast', fn: () => silent.emit('tick', 1) },
        { name: 'bare function call (limit)', role: 'baseline', fn: () => (sink += 1) },
      ],
    },
  ],
});
