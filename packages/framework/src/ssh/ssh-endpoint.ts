import type { z } from 'zod';
import { field } from '../util/record-fields';

/** Where and how to reach a machine over SSH. The key is referenced by path, never held in memory long. */
export const sshEndpointSchema = field.object({
  host: field.text(),
  port: field.port(),
  user: field.text(),
  privateKeyPath: field.absolutePath(),
});

export type SshEndpoint = z.infer<typeof sshEndpointSchema>;
