/**
 * A machine as every layer above the providers sees it: part of the cluster's one serialized form
 * (cluster.json, the handoff), so its type is inferred from its schema.
 */
import type { z } from 'zod';
import { engineEndpointSchema } from '../engine/engine-endpoint';
import { sshEndpointSchema } from '../ssh/ssh-endpoint';
import { field } from '../util/record-fields';

export type { EngineEndpoint } from '../engine/engine-endpoint';
export type { SshEndpoint } from '../ssh/ssh-endpoint';

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

export type MachineRecord = z.infer<typeof machineRecordSchema>;
export type MachineRole = MachineRecord['role'];
