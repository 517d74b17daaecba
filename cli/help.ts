import type { Command, CommandMeta } from './command.js';
import { DEFAULT_MASTER } from './argv.js';
import { HELIOS_VERSION } from '../core/version.js';

export const GLOBAL_HELP = `Global options (before or after the command):
  -z, --master URL   the master to talk to (default: $HELIOS_MASTER, else ${DEFAULT_MASTER});
                     repeat it to name several: the first that answers is used
      --ca FILE      the PEM CA that signed an https:// master's certificate (default: the
                     CAs built into Node and NODE_EXTRA_CA_CERTS); always verified
      --cert FILE    a PEM client certificate, for a master that requires one (--client-ca)
      --key FILE     that certificate's PEM private key
      --json         machine-readable output with stable keys (errors too: {"status", "message"})
  -v, --verbose      show stack traces of unexpected errors
  -h, --help         show help
      --version      print the client version (before any command)
Environment: HELIOS_MASTER (master URL), HELIOS_TOKEN (bearer token for a master that requires one),
HELIOS_CA, HELIOS_CERT, HELIOS_KEY (as --ca, --cert, --key), NO_COLOR (no colours even on a terminal).`;

export function mainHelp(commands: CommandMeta[]): string {
  const label = (c: CommandMeta) => {
    const name = c.subcommands?.length ? `${c.name} ${c.subcommands.join('|')}` : c.name;
    return c.aliases?.length ? `${name} (${c.aliases.join(', ')})` : name;
  };
  const width = Math.max(...commands.map((c) => label(c).length));
  const lines = commands.map((c) => `  ${label(c).padEnd(width)}   ${c.summary}`);
  return `helios ${HELIOS_VERSION}: create, deploy and watch Docker jobs on a Helios master.

Usage: helios [global options] COMMAND [options] [args]

Commands:
${lines.join('\n')}

${GLOBAL_HELP}

Run 'helios COMMAND --help' for a command's options. Exit status: 0 on success, 1 on any failure.`;
}

export function commandHelp(command: Command): string {
  const aka = command.aliases?.length ? ` (alias: ${command.aliases.join(', ')})` : '';
  return `Usage: helios ${command.synopsis}${aka}

${command.summary}

${command.help.trim()}

${GLOBAL_HELP}`;
}
