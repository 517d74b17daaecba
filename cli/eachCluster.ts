import { HeliosError } from '../core/errors/HeliosError.js';
import type { Command, RunArgs } from './command.js';
import { clustersOf, type Cluster } from './clusters.js';
import { errorReport } from './errorReport.js';
import { createOutput, type Output, type Streams } from './output.js';
import { terminalJson } from './terminalText.js';

/**
 * Runs a command on its clusters (clusters.ts). One cluster, the usual case: the command as it is.
 * Several (-d with more than one domain, or config domains): once per cluster, in order, as Helios'
 * ControlCommand does: each under a `NAME ([masters])` header and a dashed line on stdout, a failure
 * reported for its cluster (`helios: NAME: …`) and the next cluster still run; exit 1 if any failed.
 * With --json one object `{"NAME": value, …}`, a failed cluster's value its `{status, message}`.
 * `solo` (which runs its own master) runs on none, `watch` (which never ends) on one only.
 */
export async function runOnClusters(command: Command, args: Omit<RunArgs, 'out'>, streams: Streams): Promise<number> {
  const { global, env } = args;
  if (command.local) return run(command, args, await createOutput(streams, { json: global.json, env }), []);
  const clusters = clustersOf(global.target, env);
  if (clusters.length === 1) return run(command, args, await createOutput(streams, { json: global.json, env }), await mastersOf(clusters[0], env));
  if (command.oneCluster) {
    throw new HeliosError('INVALID_ARGUMENT', `${command.name} follows one cluster, and ${clusters.map((c) => c.name).join(', ')} are ${clusters.length}: give one -d or -z`);
  }
  const values: Record<string, unknown> = {};
  let failed = false;
  for (const cluster of clusters) {
    const out = await createOutput(streams, { json: global.json, env });
    const printed: unknown[] = [];
    const captured: Output = { ...out, printJson: (value) => void printed.push(value) };
    try {
      const masters = await mastersOf(cluster, env);
      if (!global.json) header(out, `${cluster.name} ([${masters.join(', ')}])`);
      const code = await run(command, args, captured, masters);
      failed ||= code !== 0;
    } catch (err) {
      const report = errorReport(err, global.verbose);
      if (!global.json) header(out, cluster.name);
      streams.stderr.write(`${report.line.replace(/^helios: /, `helios: ${cluster.name}: `)}\n`);
      if (report.detail) streams.stderr.write(`${report.detail}\n`);
      printed.push(report.json);
      failed = true;
    }
    if (global.json) values[cluster.name] = printed.length === 1 ? printed[0] : printed;
    else out.print();
  }
  if (global.json) streams.stdout.write(terminalJson(values, 2) + '\n');
  return failed ? 1 : 0;
}

async function run(command: Command, args: Omit<RunArgs, 'out'>, out: Output, masters: string[]): Promise<number> {
  return (await command.run({ ...args, global: { ...args.global, masters }, out })) ?? 0;
}

/** A cluster's masters: as given, or found by its SRV lookup. */
export async function mastersOf(cluster: Cluster, env: NodeJS.ProcessEnv): Promise<string[]> {
  if ('masters' in cluster) return cluster.masters;
  const { srvMasters } = await import('./srvMasters.js');
  return srvMasters(cluster.srv.name, cluster.srv.domain, env);
}

function header(out: Output, text: string): void {
  out.print(text);
  out.print('-'.repeat(text.length));
}
