/**
 * Numbered schema migrations, applied in order at start-up, each in its own transaction. The schema
 * version lives in `meta.schemaVersion`; a database written by a newer master is refused rather than
 * guessed at. Add a migration by appending to the list, and the same one to PostgreSQL's
 * (postgres/migrations.ts: `portable(migrations[i])` when it only makes tables, indexes and columns);
 * never edit one that has shipped.
 */
import type Database from 'better-sqlite3';

export const migrations: readonly string[] = [
  // 1: the first schema
  `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    spec TEXT NOT NULL,
    created INTEGER NOT NULL,
    creating_user TEXT,
    owner TEXT NOT NULL,
    token TEXT NOT NULL DEFAULT '',
    expires INTEGER,
    modify_index INTEGER NOT NULL,
    UNIQUE (name, version)
  );
  CREATE INDEX jobs_expires ON jobs (expires) WHERE expires IS NOT NULL;
  CREATE INDEX jobs_owner ON jobs (owner);

  CREATE TABLE hosts (
    name TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL,
    registered INTEGER NOT NULL,
    last_seen INTEGER,
    host_info TEXT,
    agent_info TEXT,
    labels TEXT NOT NULL DEFAULT '{}',
    environment TEXT NOT NULL DEFAULT '{}',
    docker_error TEXT,
    desired_index INTEGER NOT NULL,
    modify_index INTEGER NOT NULL
  );

  CREATE TABLE deployments (
    host TEXT NOT NULL,
    job_id TEXT NOT NULL REFERENCES jobs (id),
    goal TEXT NOT NULL,
    owner TEXT NOT NULL,
    deployer_user TEXT,
    deployer_master TEXT,
    created INTEGER NOT NULL,
    modify_index INTEGER NOT NULL,
    PRIMARY KEY (host, job_id)
  );
  CREATE INDEX deployments_job ON deployments (job_id);
  CREATE INDEX deployments_owner ON deployments (owner);

  CREATE TABLE task_statuses (
    host TEXT NOT NULL,
    job_id TEXT NOT NULL,
    status TEXT NOT NULL,
    updated INTEGER NOT NULL,
    modify_index INTEGER NOT NULL,
    PRIMARY KEY (host, job_id)
  );
  CREATE INDEX task_statuses_job ON task_statuses (job_id);

  CREATE TABLE history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    host TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    status TEXT NOT NULL
  );
  CREATE INDEX history_job_host ON history (job_id, host, timestamp);

  CREATE TABLE sync_sources (
    name TEXT PRIMARY KEY,
    repo TEXT NOT NULL,
    branch TEXT NOT NULL,
    path TEXT NOT NULL,
    last_applied_commit TEXT,
    last_attempted_commit TEXT,
    state TEXT NOT NULL,
    errors TEXT NOT NULL DEFAULT '[]',
    last_sync INTEGER,
    modify_index INTEGER NOT NULL
  );
  `,
  // 2: the static external ports held on each host, kept by triggers on deployments, so a port check
  // is one index lookup instead of reading every job on the host (2,000 jobs on one host took minutes);
  // owner indexes that cover what a sync reads of its source (no table reads, no sort).
  `
  DROP INDEX jobs_owner;
  CREATE INDEX jobs_owner ON jobs (owner, id);
  DROP INDEX deployments_owner;
  CREATE INDEX deployments_owner ON deployments (owner, job_id, host, goal);

  CREATE TABLE host_ports (
    host TEXT NOT NULL,
    protocol TEXT NOT NULL,
    port INTEGER NOT NULL,
    job_id TEXT NOT NULL,
    PRIMARY KEY (host, protocol, port, job_id)
  ) WITHOUT ROWID;
  CREATE INDEX host_ports_job ON host_ports (host, job_id);

  CREATE TRIGGER deployments_ports_insert AFTER INSERT ON deployments BEGIN
    INSERT OR IGNORE INTO host_ports (host, protocol, port, job_id)
      SELECT NEW.host, COALESCE(json_extract(p.value, '$.protocol'), 'tcp'), json_extract(p.value, '$.externalPort'), NEW.job_id
      FROM jobs j, json_each(j.spec, '$.ports') p
      WHERE j.id = NEW.job_id AND json_type(p.value, '$.externalPort') = 'integer' AND json_extract(p.value, '$.externalPort') > 0;
  END;
  CREATE TRIGGER deployments_ports_delete AFTER DELETE ON deployments BEGIN
    DELETE FROM host_ports WHERE host = OLD.host AND job_id = OLD.job_id;
  END;

  INSERT OR IGNORE INTO host_ports (host, protocol, port, job_id)
    SELECT d.host, COALESCE(json_extract(p.value, '$.protocol'), 'tcp'), json_extract(p.value, '$.externalPort'), d.job_id
    FROM deployments d JOIN jobs j ON j.id = d.job_id, json_each(j.spec, '$.ports') p
    WHERE json_type(p.value, '$.externalPort') = 'integer' AND json_extract(p.value, '$.externalPort') > 0;
  `,
  // 3: the audit log: every write made through the API, with the name of the token that made it.
  `
  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp INTEGER NOT NULL,
    token TEXT NOT NULL,
    user TEXT,
    action TEXT NOT NULL,
    job_id TEXT,
    host TEXT,
    source TEXT,
    detail TEXT
  );
  CREATE INDEX audit_job ON audit (job_id, seq) WHERE job_id IS NOT NULL;
  CREATE INDEX audit_host ON audit (host, seq) WHERE host IS NOT NULL;
  `,
  // 4: the cluster's identity, a random (version 4) UUID made once, when the database is created or
  // upgraded, and never changed: agents record it and refuse the desired state of another cluster, so
  // a master on a new, empty database never makes the fleet remove its containers.
  `
  CREATE TABLE cluster (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL
  );
  INSERT INTO cluster (singleton, id) VALUES (1, lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
    || substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))));
  `,
  // 5: when a source last tried a commit, applied or refused (last_sync is when one was applied): a
  // refused commit is newer than the last sync, and `helios sync status` shows when it was tried.
  `
  ALTER TABLE sync_sources ADD COLUMN last_attempt INTEGER;
  UPDATE sync_sources SET last_attempt = last_sync;
  `,
  // 6: what the reapers need (master/reapers/). removed_jobs: when each job was removed (kept by
  // triggers, so every way of removing one counts), so that its history and statuses go after
  // --history-retention; what jobs removed before this version left behind starts its retention now.
  // History is pruned and read in insertion order (seq), not by agents' clocks, and deleted per host
  // when a dead host is reaped. A source's registration time, for a source that never tried a commit.
  `
  CREATE TABLE removed_jobs (
    job_id TEXT PRIMARY KEY,
    removed INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX removed_jobs_removed ON removed_jobs (removed);
  CREATE TRIGGER jobs_removed AFTER DELETE ON jobs BEGIN
    INSERT OR REPLACE INTO removed_jobs (job_id, removed) VALUES (OLD.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
  END;
  CREATE TRIGGER jobs_created AFTER INSERT ON jobs BEGIN
    DELETE FROM removed_jobs WHERE job_id = NEW.id;
  END;
  INSERT OR IGNORE INTO removed_jobs (job_id, removed)
    SELECT job_id, CAST(unixepoch('subsec') * 1000 AS INTEGER) FROM (SELECT job_id FROM history UNION SELECT job_id FROM task_statuses)
    WHERE job_id NOT IN (SELECT id FROM jobs);

  DROP INDEX history_job_host;
  CREATE INDEX history_job_host ON history (job_id, host, seq);
  CREATE INDEX history_host ON history (host);

  ALTER TABLE sync_sources ADD COLUMN registered INTEGER;
  UPDATE sync_sources SET registered = CAST(unixepoch('subsec') * 1000 AS INTEGER);
  `,
  // 7: a source's warnings, beside its errors: what its last attempted commit held but the master did
  // not apply without refusing it (a job whose expires has passed: 'expired at …, not deployed').
  `
  ALTER TABLE sync_sources ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
  `,
  // 8: registry accounts (helios registry login): the secret sealed with the master's key
  // (master/secrets/secretBox.ts, the id as associated data), never in clear text.
  `
  CREATE TABLE registry_accounts (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    host TEXT NOT NULL,
    username TEXT NOT NULL,
    secret TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    modify_index INTEGER NOT NULL
  );
  CREATE INDEX registry_accounts_host ON registry_accounts (host);
  `,
  // 9: deployment groups (issue 17): the group (its Helios descriptor as JSON), its member hosts and
  // the hosts that left it still to undeploy, its status, and the rollout in progress, kept after every
  // step so that a restarted master continues it; each rollout's record (the group's history).
  `
  CREATE TABLE deployment_groups (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    hosts TEXT NOT NULL,
    removed TEXT NOT NULL,
    status TEXT,
    reverted INTEGER NOT NULL,
    rollout TEXT,
    created INTEGER NOT NULL,
    modify_index INTEGER NOT NULL
  );
  CREATE TABLE deployment_group_rollouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_name TEXT NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX deployment_group_rollouts_group ON deployment_group_rollouts (group_name, id);
  `,
  // 10: each task status's state in a column of its own, written with the status: GET /metrics counts
  // tasks by host and state from an index alone (reading it out of each status's JSON took ~55 ms
  // of a scrape at 20,000 tasks). The statuses already stored get theirs from their JSON.
  `
  ALTER TABLE task_statuses ADD COLUMN state TEXT NOT NULL DEFAULT '';
  UPDATE task_statuses SET state = COALESCE(json_extract(status, '$.state'), '');
  CREATE INDEX task_statuses_host_state ON task_statuses (host, state);
  `,
  // 11: a source's last dry run (the dashboard shows what that commit would change), as JSON: its
  // commit, when, PLANNED or REFUSED, and the first actions or errors.
  `
  ALTER TABLE sync_sources ADD COLUMN last_plan TEXT;
  `,
  // 12: nothing on SQLite, which compares text byte by byte already; on PostgreSQL every text column
  // takes collation "C" likewise, so ids sort and page as here whatever the server's locale.
  `
  SELECT 1;
  `,
];

export const SCHEMA_VERSION = migrations.length;

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
  constructor(readonly path: string, readonly found: number, readonly known: number) {
    super(`database ${path} has schema version ${found}, but this master knows versions up to ${known}: `
      + 'it was written by a newer helios-master; run that version, or point --db at another file');
  }
}

/** Brings the database to SCHEMA_VERSION; refuses one from the future. */
export function migrate(db: Database.Database, path: string): { from: number; to: number } {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").get() as { value: number } | undefined;
  const from = row?.value ?? 0;
  if (from > SCHEMA_VERSION) throw new SchemaTooNewError(path, from, SCHEMA_VERSION);
  const setVersion = db.prepare("INSERT INTO meta (key, value) VALUES ('schemaVersion', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(migrations[version - 1]);
      setVersion.run(version);
    })();
  }
  db.prepare("INSERT INTO meta (key, value) VALUES ('index', 0) ON CONFLICT (key) DO NOTHING").run();
  return { from, to: SCHEMA_VERSION };
}
