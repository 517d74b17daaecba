import test from 'ava';
import { listCommands, loadCommand } from './registry.js';

test('every listed command loads, under its own name and aliases, with the listed synopsis', async (t) => {
  for (const meta of listCommands()) {
    const command = await loadCommand(meta.name);
    t.truthy(command, meta.name);
    t.is(command!.name, meta.name);
    t.true(command!.synopsis.startsWith(meta.name), meta.name);
    t.true(command!.help.length > 0, meta.name);
    for (const alias of meta.aliases ?? []) t.is(await loadCommand(alias), command);
  }
  t.is(await loadCommand('nope'), undefined);
});

test('no command redefines a global option', async (t) => {
  const global = new Set(['master', 'domains', 'srv-name', 'username', 'http-timeout', 'retry-timeout', 'json', 'verbose', 'help', 'z', 'd', 'u', 'v', 'h']);
  for (const meta of listCommands()) {
    const command = (await loadCommand(meta.name))!;
    for (const [name, option] of Object.entries(command.options)) {
      t.false(global.has(name), `${meta.name} --${name}`);
      t.false(option.short !== undefined && global.has(option.short), `${meta.name} -${option.short}`);
    }
  }
});

test('every option of every command is in its --help', async (t) => {
  for (const meta of listCommands()) {
    const command = (await loadCommand(meta.name))!;
    for (const [name, option] of Object.entries(command.options)) {
      const spelled = name.length === 1 ? `-${name}` : `--${name}`;
      t.regex(command.help, new RegExp(`(^|[\\s,[])${spelled.replace(/[-]/g, '\\-')}\\b`, 'm'), `${meta.name} ${spelled}`);
      if (option.short !== undefined) t.regex(command.help, new RegExp(`(^|[\\s,[])-${option.short}\\b`, 'm'), `${meta.name} -${option.short}`);
    }
  }
});
