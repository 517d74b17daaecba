import type { Command, CommandMeta } from './command.js';
import { DEFAULT_MASTER } from './argv.js';
import { HELIOS_VERSION } from '../core/version.js';

export const GLOBAL_HELP = `Global options (before or after the command):
  -z, --master URL   a master of the cluster to talk to; repeat it (or give URLs separated by
                     commas) to name more masters of that cluster: each request goes to the one
                     that last answered, else the next (fail-over; Helios runs
                     the command once per -z instead: for several clusters use -d)
  -d, --domains D,…  find the masters of each domain by DNS SRV (_SRVNAME._https.D, else
                     _SRVNAME._http.D); several domains are several clusters: the command runs on
                     each in turn, under a 'D ([masters])' header (--json: {"D": …}), as in Helios
      --srv-name N   the SRV service name (default: srvName of ~/.helios/config, else helios)
  -u, --username U   who you are to the master (Helios-User, recorded as deployerUser; default:
                     the OS user)
      --http-timeout S   each request's time, in seconds (default: $HELIOS_CLI_HTTP_TIMEOUT, else 60)
      --retry-timeout S  how long a request that reached no master is retried, 1 s apart, over
                     the cluster's masters (default: $HELIOS_CLI_TOTAL_TIMEOUT, else 0: fail at once;
                     Helios waits 240 s)
      --ca FILE      the PEM CA that signed an https:// master's certificate (default: the
                     CAs built into Node and NODE_EXTRA_CA_CERTS); always verified
      --cert FILE    a PEM client certificate, for a master that requires one (--client-ca)
      --key FILE     that certificate's PEM private key
  -k, --insecure     accept an https:// master's certificate that names another host (as Helios'
                     -k, for -z to a master by another address); it must still be signed by a CA
                     this client trusts
      --google-credentials BOOL  taken for Helios scripts (true or false); no effect: masters here
                     authenticate with HELIOS_TOKEN or a client certificate
      --json         machine-readable output with stable keys (errors too: {"status", "message"})
  -v, --verbose      show stack traces of unexpected errors
  -h, --help         show help
      --version      print the client version (before any command)
Masters, the first found of: -z, -d, $HELIOS_MASTER (http://…, https://…, several separated by
commas, or domain://DOMAIN),
masterEndpoints then domains of ~/.helios/config (JSON, as Helios'), else ${DEFAULT_MASTER}.
Environment: HELIOS_TOKEN (bearer token for a master that requires one), HELIOS_CA, HELIOS_CERT,
HELIOS_KEY (as --ca, --cert, --key), NO_COLOR (no colours even on a terminal).`;

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
