/**
 * A web server job and its deployment on one agent. `pulumi up` creates the job on the master, deploys
 * it, and waits until the task is RUNNING (or fails, naming the task's last state and error).
 *
 *   pulumi config set helios:master http://127.0.0.1:5801
 *   pulumi config set --secret helios:token <token>     # when the master wants one
 *   pulumi config set helios:ca -- "$(cat ca.pem)"       # an https:// master with a private CA
 *   pulumi config set host agent-1
 *   pulumi up
 */
import * as pulumi from '@pulumi/pulumi';
import * as helios from 'helios/provider';

const config = new pulumi.Config();
const host = config.require('host');

const web = new helios.Job('web', {
  name: 'web',
  version: '1',
  image: 'busybox:latest',
  command: ['httpd', '-f', '-p', '8080'],
  ports: { http: { internalPort: 8080 } },
  healthCheck: { type: 'tcp', port: 'http' },
  // busybox as PID 1 ignores SIGTERM: do not wait the default 120 s on stop.
  secondsToWaitBeforeKill: 2,
});

const webOnHost = new helios.Deployment('web-on-host', { job: web.jobId, host, timeoutSeconds: 120 });

export const jobId = web.jobId;
export const state = webOnHost.state;
/** The host port the agent allocated for `http`. */
export const httpPort = webOnHost.ports.apply((ports) => ports.http?.externalPort);
