/**
 * The one serialized form of a cluster: what `up` leaves for everything after it. `cluster.json` holds
 * it, and the test handoff carries the same records in an envelope of its own. Addresses and paths
 * only, never a password or key material.
 *
 * The types are inferred from the schema, so what the framework writes and what a reader accepts
 * cannot drift apart; `validateRecord` is the one validator of both files.
 */
import * as path from 'node:path';
import { z } from 'zod';

/** The message of a field of the wrong type, or of one that is missing. */
function expected(what: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `is missing (must be ${what})` : `must be ${what}`,
  };
}

/** The kinds of field the cluster record and the handoff are made of. */
export const field = {
  text: () => z.string(expected('a non-empty string')).min(1, expected('a non-empty string')),
  /** A string that may be empty. */
  anyText: () => z.string(expected('a string')),
  absolutePath: () =>
    z.string(expected('an absolute path')).refine((p) => path.isAbsolute(p), expected('an absolute path')),
  port: () => {
    const port = expected('a port (1 to 65535)');
    return z.number(port).int(port).min(1, port).max(65535, port);
  },
  positiveInteger: () => {
    const positive = expected('a positive integer');
    return z.number(positive).int(positive).min(1, positive);
  },
  integer: () => z.number(expected('an integer')).int(expected('an integer')),
  httpUrl: () =>
    z.string(expected('an http(s) URL')).regex(/^https?:\/\/[^\s/]+/, expected('an http(s) URL')),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, expected(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`)),
  object: <S extends z.ZodRawShape>(shape: S) => z.object(shape, expected('an object')),
  array: <T extends z.ZodType>(item: T) => z.array(item, expected('an array')),
};

/** Where and how to reach a machine over SSH. The key is referenced by path, never held in memory long. */
export const sshEndpointSchema = field.object({
  host: field.text(),
  port: field.port(),
  user: field.text(),
  privateKeyPath: field.absolutePath(),
});

/** A TLS-verified Docker engine endpoint: the three PEM files every connection must present and check. */
export const engineEndpointSchema = field.object({
  host: field.text(),
  port: field.port(),
  caPath: field.absolutePath(),
  certPath: field.absolutePath(),
  keyPath: field.absolutePath(),
});

export const machineRecordSchema = field.object({
  /** `<MACHINE_PREFIX>-<n>`, n from 1. */
  name: field.text(),
  role: field.oneOf(['controller', 'replica']),
  ip: field.text(),
  ssh: sshEndpointSchema,
  engine: engineEndpointSchema,
  /** Provider-specific identity (container ID for the lab, docker-machine name, host for generic). */
  providerId: field.anyText(),
});

export type SshEndpoint = z.infer<typeof sshEndpointSchema>;
export type EngineEndpoint = z.infer<typeof engineEndpointSchema>;
export type MachineRecord = z.infer<typeof machineRecordSchema>;
export type MachineRole = MachineRecord['role'];

/**
 * The machine addresses, the UCP instance (by its CA's fingerprint) and the image that a product was
 * made for when its step last ended well. A run that fails before then keeps the older record, so the
 * next run still sees what has to be made again.
 */
export const madeForSchema = field.object({
  ucpFingerprint: field.anyText().optional(),
  addresses: z.record(z.string(), z.string(), expected('an object of machine names and addresses')),
  /** The installer image it was made with (UCP_REPO:UCP_TAG, DTR_REPO:DTR_TAG, or a lab stand-in's). */
  image: field.anyText().optional(),
});

export type MadeFor = z.infer<typeof madeForSchema>;

/** What both `cluster.json` and the handoff carry: the machines, and UCP, the load balancer and DTR once made. */
const clusterRecordShape = {
  machines: field.array(machineRecordSchema).min(1, expected('a non-empty array')),
  ucp: field.object({ url: field.httpUrl(), caPath: field.absolutePath() }).optional(),
  loadBalancer: field
    .object({ machine: field.text(), host: field.text(), port: field.port(), url: field.httpUrl() })
    .optional(),
  dtr: field
    .object({
      caPath: field.absolutePath(),
      replicas: field.array(field.object({ id: field.text(), machine: field.text(), url: field.httpUrl() })),
    })
    .optional(),
};

type ClusterRecord = z.infer<z.ZodObject<typeof clusterRecordShape>>;

/** What the fields must agree on among themselves (checked once every field is right on its own). */
function checkReferences(record: ClusterRecord, ctx: z.RefinementCtx): void {
  if (!record.machines.some((m) => m.role === 'controller')) {
    ctx.addIssue({ code: 'custom', path: ['machines'], message: 'must include the controller' });
  }
  const names = new Set(record.machines.map((m) => m.name));
  const known = (name: string, at: PropertyKey[]) => {
    if (!names.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: at,
        message: `${JSON.stringify(name)} is not one of the machines`,
      });
    }
  };
  if (record.loadBalancer) known(record.loadBalancer.machine, ['loadBalancer', 'machine']);
  record.dtr?.replicas.forEach((r, i) => known(r.machine, ['dtr', 'replicas', i, 'machine']));
}

/**
 * The cluster record with the fields of a file's own envelope around it (`cluster.json`'s `madeFor`,
 * the handoff's version and run), envelope first.
 */
export function clusterRecordWith<S extends z.ZodRawShape>(envelope: S) {
  return z
    .object({ ...envelope, ...clusterRecordShape }, expected('a JSON object'))
    .superRefine((record, ctx) => checkReferences(record as ClusterRecord, ctx));
}

/** What `up` leaves for everything after it (the CLI, the test handoff). */
export const clusterInfoSchema = clusterRecordWith({
  /** What UCP's joins and DTR's replicas were last made for; `cluster.json` only, not the handoff. */
  madeFor: field.object({ ucp: madeForSchema.optional(), dtr: madeForSchema.optional() }).optional(),
});

export type ClusterInfo = z.infer<typeof clusterInfoSchema>;

/**
 * Checks a parsed JSON value against one of these schemas: the value (fields the schema does not
 * know left out), or every problem, one line each, named by its path
 * (`machines[1].engine.port must be a port (1 to 65535)`).
 */
export function validateRecord<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; problems: string[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map((i) => `${pathText(i.path)} ${i.message}`) };
}

function pathText(at: readonly PropertyKey[]): string {
  let text = '';
  for (const key of at) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text || 'the top level';
}
