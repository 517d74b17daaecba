// cleanup.mjs: removes the versions of jobs that are deployed nowhere.
//
//   helios run examples/zx/cleanup.mjs [NAME…]
//   helios run --dry-run examples/zx/cleanup.mjs web      # only lists what it would remove
//
// Every job (or every version of the jobs named NAME) that no host has deployed is removed from the
// master; one owned by git or a Pulumi stack is left to its owner (its next sync or `pulumi up`).
// Prints one line per job removed or kept, then how many were removed.
// The master, token and TLS are the helios command's: -z URL, HELIOS_MASTER, HELIOS_TOKEN, --ca …
const names = argv._.map(String);
const jobs = names.length === 0
  ? await helios.jobs()
  : Object.assign({}, ...await Promise.all(names.map((name) => helios.jobs(name))));
let removed = 0;
for (const id of Object.keys(jobs).sort()) {
  if (names.length > 0 && !names.includes(id.split(':')[0])) continue;
  const { job, deployments } = await helios.status(id);
  if (Object.keys(deployments).length > 0) continue;
  if (job.owner && job.owner !== 'cli') {
    echo(`${id}: deployed nowhere, kept: owned by ${job.owner}`);
    continue;
  }
  await helios.remove(id);
  removed++;
  echo(`${id}: removed`);
}
echo(`${removed} job${removed === 1 ? '' : 's'} removed`);
