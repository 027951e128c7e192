/**
 * The one serialized form of a cluster: what `up` leaves for everything after it. `cluster.json` holds
 * it, and the test handoff carries the same records in an envelope of its own. Addresses and paths
 * only, never a password or key material.
 *
 * The types are inferred from the schema, so what the framework writes and what a reader accepts
 * cannot drift apart; `validateRecord` is the one validator of both files.
 */
import { z } from 'zod';
import { machineRecordSchema } from '../machines/machine-record';
import { expected, field } from '../util/record-fields';

export type { EngineEndpoint, MachineRecord, MachineRole, SshEndpoint } from '../machines/machine-record';
export { field, validateRecord } from '../util/record-fields';

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
