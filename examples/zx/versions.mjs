// The helpers release.mjs and canary.mjs share: a job file's job created once (a run again reuses
// it), and the other versions of a job a host runs.

/** Creates the job of `file`, or takes the very same job when a run before created it. */
export async function createOnce(helios, file) {
  const { id, created, warnings } = await helios.create(file, { reuse: true });
  for (const warning of warnings) echo(chalk.yellow(`warning: ${warning}`));
  echo(created ? `created ${id}` : `${id} exists already`);
  return id;
}

/** The ids of the other versions of job `id` (same name) deployed on `host`. */
export async function otherVersions(helios, id, host) {
  const name = id.split(':')[0];
  const { [host]: status } = await helios.hosts();
  return Object.keys(status?.jobs ?? {}).filter((other) => other !== id && other.split(':')[0] === name);
}

/** Deploys `id` on `hosts`, where it is not deployed already (a release run again). */
export async function deployWhereMissing(helios, id, hosts) {
  try {
    return await helios.deploy(id, hosts);
  } catch (err) {
    const failed = err.data?.results?.filter((r) => r.status !== 'OK') ?? [];
    if (!helios.isError(err) || failed.length === 0 || failed.some((r) => r.status !== 'JOB_ALREADY_DEPLOYED')) throw err;
    return err.data.results.map((r) => r.host);
  }
}
