/**
 * A private PostgreSQL server for a test run: initdb into a temp dir, listening on 127.0.0.1 on a
 * free port (and a unix socket in that dir), trust authentication for its one user `helios`, no
 * fsync (a test server's data needs to survive a kill of the master, never of the machine; `durable`
 * keeps PostgreSQL's defaults, fsync on every commit, for benchmarks that compare it with SQLite's). As root
 * it runs as the `postgres` user (PostgreSQL refuses root). Debian's `postgresql` package is
 * installed when its binaries are missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  /** `postgres://helios@127.0.0.1:PORT/postgres` */
  url: string;
  stop(): Promise<void>;
  /**
   * Stops the server at once (`-m immediate`: every connection cut, as a crash or failover does),
   * runs `whileDown`, and starts it again on the same data and port.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

/** The folder of initdb and pg_ctl: Debian's /usr/lib/postgresql/<version>/bin, or PATH. */
function postgresBin(log: (message: string) => void): string {
  const find = () => {
    const root = '/usr/lib/postgresql';
    const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
    if (versions.length > 0) return join(root, versions[0], 'bin');
    const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
    return which.status === 0 ? join(which.stdout.trim(), '..') : undefined;
  };
  const found = find();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL is not installed (no initdb): install Debian\'s postgresql package, or set HELIOS_TEST_PG to a server');
  log('installing postgresql (apt-get)');
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null'], { stdio: 'inherit' });
  const installed = find();
  if (!installed) throw new Error('apt-get installed postgresql, but no initdb was found under /usr/lib/postgresql');
  return installed;
}

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

export async function startPostgresServer(log: (message: string) => void, options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const bin = postgresBin(log);
  const dir = mkdtempSync(join(tmpdir(), 'helios-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()));
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) => {
    const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(command, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  try {
    run('initdb', ['-D', data, '--username=helios', '--auth=trust', '--encoding=UTF8', '--no-sync']);
    const port = await freePort();
    const unsafe = options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
    const settings = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, ...unsafe,
      '-c max_connections=400', '-c shared_buffers=64MB'].join(' ');
    const start = () => run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start']);
    const halt = () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    start();
    log(`PostgreSQL on 127.0.0.1:${port} (${dir}${options.durable ? '' : ', fsync off'})`);
    return {
      url: `postgres://helios@127.0.0.1:${port}/postgres`,
      stop: async () => {
        try {
          halt();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      restart: async (whileDown) => {
        halt();
        try {
          await whileDown?.();
        } finally {
          start();
        }
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
