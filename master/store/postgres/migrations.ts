/**
 * The numbered migrations of migrations.ts, for PostgreSQL: the same schema version means the same
 * tables, columns and rules on both engines. Those that only make tables, indexes and columns (1, 3,
 * 5, 7, 8, 9, 11, and 2's tables) are SQLite's text through `portable`; the rest (2's triggers, 4, 6, 10, 12) differ where they must: triggers
 * are PL/pgSQL functions reading the spec as jsonb, 10's backfill reads the status as jsonb, the cluster id is gen_random_uuid(), the time in
 * SQL is clock_timestamp(). The global index is a
 * sequence (`helios_index`), not a row of meta: masters take numbers from it without waiting for each
 * other (see postgresStore.ts for why its order is still the order of commits where it matters).
 */
import { migrations } from '../migrations.js';

/** The time in ms since the epoch, in SQL (the same clock as Date.now()). */
export const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** host_ports rows of a deployment's job: its ports with an integer external port above 0. */
const staticPortsOf = (host: string, jobId: string, from: string) => `
    SELECT ${host}, COALESCE(p.value->>'protocol', 'tcp'), (p.value->>'externalPort')::integer, ${jobId}
    FROM ${from}, jsonb_each(CASE WHEN jsonb_typeof(j.spec::jsonb->'ports') = 'object' THEN j.spec::jsonb->'ports' END) p
    WHERE jsonb_typeof(p.value->'externalPort') = 'number' AND (p.value->>'externalPort') ~ '^[0-9]+$'
      AND (p.value->>'externalPort')::bigint BETWEEN 1 AND 2147483647`;

/**
 * SQLite's text of a migration that only makes tables, indexes and columns, in PostgreSQL's words:
 * INTEGER is BIGINT (SQLite's integers are 64-bit), AUTOINCREMENT an identity column, no WITHOUT ROWID, `user` quoted
 * (a reserved word there), TEXT compared byte by byte (COLLATE "C", as SQLite; migration 12). Written
 * once, so the two schemas cannot drift apart.
 */
export const portable = (sqlite: string): string => sqlite
  .replace(/\bTEXT\b/g, 'TEXT COLLATE "C"')
  .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY')
  .replace(/\bINTEGER\b/g, 'BIGINT')
  .replace(/\) WITHOUT ROWID;/g, ');')
  .replace(/^(\s*)user TEXT/m, '$1"user" TEXT');

export const postgresMigrations: readonly string[] = [
  // 1: the first schema
  portable(migrations[0]),
  // 2: host_ports kept by triggers on deployments; owner indexes covering what a sync reads. The
  // tables and indexes are SQLite's text (up to its triggers), the triggers PL/pgSQL.
  `${portable(migrations[1].slice(0, migrations[1].indexOf('CREATE TRIGGER')))}
  CREATE FUNCTION deployments_ports_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO host_ports (host, protocol, port, job_id) ${staticPortsOf('NEW.host', 'NEW.job_id', 'jobs j')} AND j.id = NEW.job_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END $$;
  CREATE TRIGGER deployments_ports_insert AFTER INSERT ON deployments FOR EACH ROW EXECUTE FUNCTION deployments_ports_insert();
  CREATE FUNCTION deployments_ports_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM host_ports WHERE host = OLD.host AND job_id = OLD.job_id;
    RETURN NULL;
  END $$;
  CREATE TRIGGER deployments_ports_delete AFTER DELETE ON deployments FOR EACH ROW EXECUTE FUNCTION deployments_ports_delete();

  INSERT INTO host_ports (host, protocol, port, job_id) ${staticPortsOf('d.host', 'd.job_id', 'deployments d JOIN jobs j ON j.id = d.job_id')}
  ON CONFLICT DO NOTHING;
  `,
  // 3: the audit log.
  portable(migrations[2]),
  // 4: the cluster's identity, a random UUID made once.
  `
  CREATE TABLE cluster (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL
  );
  INSERT INTO cluster (singleton, id) VALUES (1, gen_random_uuid()::text);
  `,
  // 5: when a source last tried a commit.
  portable(migrations[4]),
  // 6: what the reapers need: removed_jobs kept by triggers, history by arrival, a source's registration.
  `
  CREATE TABLE removed_jobs (
    job_id TEXT PRIMARY KEY,
    removed BIGINT NOT NULL
  );
  CREATE INDEX removed_jobs_removed ON removed_jobs (removed);
  CREATE FUNCTION jobs_removed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO removed_jobs (job_id, removed) VALUES (OLD.id, ${NOW_MS})
      ON CONFLICT (job_id) DO UPDATE SET removed = EXCLUDED.removed;
    RETURN NULL;
  END $$;
  CREATE TRIGGER jobs_removed AFTER DELETE ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_removed();
  CREATE FUNCTION jobs_created() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM removed_jobs WHERE job_id = NEW.id;
    RETURN NULL;
  END $$;
  CREATE TRIGGER jobs_created AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_created();
  INSERT INTO removed_jobs (job_id, removed)
    SELECT job_id, ${NOW_MS} FROM (SELECT job_id FROM history UNION SELECT job_id FROM task_statuses) gone
    WHERE job_id NOT IN (SELECT id FROM jobs)
  ON CONFLICT DO NOTHING;

  DROP INDEX history_job_host;
  CREATE INDEX history_job_host ON history (job_id, host, seq);
  CREATE INDEX history_host ON history (host);

  ALTER TABLE sync_sources ADD COLUMN registered BIGINT;
  UPDATE sync_sources SET registered = ${NOW_MS};
  `,
  // 7: a source's warnings.
  portable(migrations[6]),
  // 8: registry accounts, their secrets sealed.
  portable(migrations[7]),
  // 9: deployment groups and their rollouts' records.
  portable(migrations[8]),
  // 10: each task status's state in a column of its own, backfilled from the status as jsonb.
  `
  ALTER TABLE task_statuses ADD COLUMN state TEXT NOT NULL DEFAULT '';
  UPDATE task_statuses SET state = COALESCE(status::jsonb->>'state', '');
  CREATE INDEX task_statuses_host_state ON task_statuses (host, state);
  `,
  // 11: a source's last dry run.
  portable(migrations[10]),
  // 12: every text column compares byte by byte (collation "C"), as SQLite does: with a server or
  // database whose locale is, say, en_US, 'API:2' sorted after 'api:1' and ids paged in another order
  // than on SQLite. Text columns of later migrations say COLLATE "C" themselves (portable does).
  `
  DO $$
  DECLARE c record;
  BEGIN
    FOR c IN SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'
    LOOP
      EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE text COLLATE "C"', c.table_name, c.column_name);
    END LOOP;
  END $$;
  `,
];
