import test from 'ava';
import { listCommands, loadCommand } from '../registry.js';

test('helios solo --help and its synopsis name every flag solo takes, and the registry lists the same synopsis', async (t) => {
  const solo = (await loadCommand('solo'))!;
  const flags = Object.keys(solo.options);
  t.true(flags.length >= 11);
  for (const flag of flags) {
    t.regex(solo.help, new RegExp(`^  --${flag}\\b`, 'm'), `--${flag} in the help`);
    t.true(solo.synopsis.includes(`[--${flag}`), `--${flag} in the synopsis`);
  }
  t.is(listCommands().find((c) => c.name === 'solo')?.synopsis, solo.synopsis);
});
