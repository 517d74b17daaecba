/**
 * Drives the real `@pulumi/pulumi` dynamic-provider host over gRPC, as the Pulumi engine does during
 * `pulumi up`: the host process is spawned with the program's directory as cwd, prints its port, and
 * answers Configure / Check / Diff / Create / Read / Update / Delete for resources whose properties
 * carry the serialized provider in `__provider`. It never exits by itself: `stop()` kills it by pid.
 * @example
 *   const host = await startProviderHost({ cwd: programDir, project: 'helios-example' });
 *   t.teardown(host.stop);
 *   await host.configure({ 'helios:master': master.url });
 *   const { id, properties } = await host.create(urn('Job', 'web'), { ...inputs, __provider });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

import type * as GrpcModule from '@grpc/grpc-js';
import type * as ProviderGrpcModule from '@pulumi/pulumi/proto/provider_grpc_pb.js';
import type * as ProviderPbModule from '@pulumi/pulumi/proto/provider_pb.js';
import type * as StatusPbModule from '@pulumi/pulumi/proto/status_pb.js';
import type * as StructPbModule from 'google-protobuf/google/protobuf/struct_pb.js';

const require = createRequire(import.meta.url);
// CommonJS generated stubs (google-protobuf's `goog.object.extend(exports, …)` hides their names from ESM).
const grpc = require('@grpc/grpc-js') as typeof GrpcModule;
const providerGrpc = require('@pulumi/pulumi/proto/provider_grpc_pb') as typeof ProviderGrpcModule;
const providerPb = require('@pulumi/pulumi/proto/provider_pb') as typeof ProviderPbModule;
const statusPb = require('@pulumi/pulumi/proto/status_pb') as typeof StatusPbModule;
const { Struct } = require('google-protobuf/google/protobuf/struct_pb') as typeof StructPbModule;

type Props = Record<string, unknown>;
type ProviderClient = InstanceType<typeof providerGrpc.ResourceProviderClient>;

/** What the host reported for a create/update that threw `{ id, properties, reasons }`. */
export interface InitFailure {
  id: string;
  properties: Props;
  reasons: string[];
}

/** A failed gRPC call; `initFailure` is set for "created but failed to initialise". */
export class ProviderHostError extends Error {
  constructor(message: string, readonly code: number, readonly initFailure?: InitFailure) {
    super(message);
  }
}

export interface DiffAnswer {
  changes: 'UNKNOWN' | 'NONE' | 'SOME';
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface ProviderHost {
  pid: number;
  port: number;
  /** What the host wrote on stderr so far (its errors and stack traces). */
  stderr(): string;
  configure(config: Record<string, string>): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffAnswer>;
  create(urn: string, properties: Props): Promise<{ id: string; properties: Props }>;
  read(urn: string, id: string, properties: Props): Promise<{ id: string; properties: Props }>;
  update(urn: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(urn: string, id: string, properties: Props): Promise<void>;
  stop(): Promise<void>;
}

export interface ProviderHostOptions {
  /** The Pulumi program's directory: the host resolves what the provider loads from here. */
  cwd: string;
  /** PULUMI_NODEJS_PROJECT (unqualified config keys are read under it). */
  project: string;
  env?: NodeJS.ProcessEnv;
}

/** A resource URN of the dynamic provider's type for `type` (Job, Deployment). */
export const urn = (type: string, name: string, project = 'helios-test', stack = 'test') =>
  `urn:pulumi:${stack}::${project}::pulumi-nodejs:dynamic/helios:${type}::${name}`;

export async function startProviderHost(options: ProviderHostOptions): Promise<ProviderHost> {
  const hostScript = require.resolve('@pulumi/pulumi/cmd/dynamic-provider');
  // One positional argument (the engine's address) is required; CRUD never calls it.
  const child = spawn(process.execPath, [hostScript, '127.0.0.1:1'], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PULUMI_NODEJS_PROJECT: options.project },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const port = await firstLine(child, () => stderr);
  const client: ProviderClient = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <Req, Res>(method: string, request: Req) => new Promise<Res>((resolve, reject) => {
    const fn = (client as unknown as Record<string, (r: Req, cb: (e: GrpcModule.ServiceError | null, r: Res) => void) => void>)[method];
    fn.call(client, request, (err, response) => (err ? reject(hostError(err)) : resolve(response)));
  });

  return {
    pid: child.pid!,
    port,
    stderr: () => stderr,
    async configure(config) {
      const req = new providerPb.ConfigureRequest();
      req.setArgs(toStruct(config));
      await call('configure', req);
    },
    async check(resourceUrn, olds, news) {
      const req = new providerPb.CheckRequest();
      req.setUrn(resourceUrn);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await call<typeof req, InstanceType<typeof providerPb.CheckResponse>>('check', req);
      return {
        inputs: res.getInputs()?.toJavaScript() ?? {},
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(resourceUrn, id, olds, news) {
      const req = new providerPb.DiffRequest();
      req.setUrn(resourceUrn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await call<typeof req, InstanceType<typeof providerPb.DiffResponse>>('diff', req);
      const names = { 0: 'UNKNOWN', 1: 'NONE', 2: 'SOME' } as const;
      return {
        changes: names[res.getChanges() as 0 | 1 | 2],
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },
    async create(resourceUrn, properties) {
      const req = new providerPb.CreateRequest();
      req.setUrn(resourceUrn);
      req.setProperties(toStruct(properties));
      const res = await call<typeof req, InstanceType<typeof providerPb.CreateResponse>>('create', req);
      return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {} };
    },
    async read(resourceUrn, id, properties) {
      const req = new providerPb.ReadRequest();
      req.setUrn(resourceUrn);
      req.setId(id);
      req.setProperties(toStruct(properties));
      const res = await call<typeof req, InstanceType<typeof providerPb.ReadResponse>>('read', req);
      return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {} };
    },
    async update(resourceUrn, id, olds, news) {
      const req = new providerPb.UpdateRequest();
      req.setUrn(resourceUrn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await call<typeof req, InstanceType<typeof providerPb.UpdateResponse>>('update', req);
      return { properties: res.getProperties()?.toJavaScript() ?? {} };
    },
    async delete(resourceUrn, id, properties) {
      const req = new providerPb.DeleteRequest();
      req.setUrn(resourceUrn);
      req.setId(id);
      req.setProperties(toStruct(properties));
      await call('delete', req);
    },
    async stop() {
      client.close();
      await stopChild(child);
    },
  };
}

/** Struct has no `undefined`: drop it as JSON does (the engine never sends it either). */
function toStruct(value: Props) {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

/** The host prints its gRPC port as the first stdout line. */
function firstLine(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error('the dynamic-provider host printed no port within 90 s')), 90_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${stderr()}`));
    };
    lines.once('line', (line) => {
      clearTimeout(timer);
      const port = Number(line.trim());
      if (Number.isInteger(port) && port > 0) resolve(port);
      else fail(new Error(`the dynamic-provider host printed ${JSON.stringify(line)} instead of a port`));
    });
    child.once('exit', (code, signal) => fail(new Error(`the dynamic-provider host exited (${code ?? signal}) before printing its port`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Decodes `grpc-status-details-bin` → google.rpc.Status → pulumirpc.ErrorResourceInitFailed. */
function hostError(err: GrpcModule.ServiceError): ProviderHostError {
  const [details] = err.metadata?.get('grpc-status-details-bin') ?? [];
  let initFailure: InitFailure | undefined;
  if (details) {
    const status = statusPb.Status.deserializeBinary(new Uint8Array(details as Buffer));
    for (const any of status.getDetailsList()) {
      if (any.getTypeName() !== 'pulumirpc.ErrorResourceInitFailed') continue;
      const detail = providerPb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      initFailure = { id: detail.getId(), properties: detail.getProperties()?.toJavaScript() ?? {}, reasons: detail.getReasonsList() };
    }
  }
  return new ProviderHostError(err.details || err.message, err.code, initFailure);
}

/**
 * A Pulumi program directory outside the repo, laid out as a user's would be after
 * `npm install helios`: `node_modules/helios` (a link to this checkout, so its `dist/` must be built).
 * The serialized provider loads `helios/core` from here at run time.
 */
export function pulumiProgramDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'helios-pulumi-program-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'helios-test-program', private: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'helios'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** This checkout's root (the `helios` package). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `__provider` as `pulumi.dynamic.Resource` computes it: the provider serialized to source text. */
export async function serializeProvider(provider: object): Promise<string> {
  const pulumi = await import('@pulumi/pulumi');
  const { text } = await pulumi.runtime.serializeFunction(() => provider);
  return text;
}

/** Rebuilds a provider from its text as the host does, by loading it from a file in `dir`. */
export function loadSerializedProvider<T>(text: string, dir: string, name = 'provider'): T {
  const file = join(dir, `${name}-${process.pid}-${Date.now()}.cjs`);
  writeFileSync(file, text);
  return (require(file) as { handler: () => T }).handler();
}
