import type { z } from 'zod';
import { field } from '../util/record-fields';

/** A TLS-verified Docker engine endpoint: the three PEM files every connection must present and check. */
export const engineEndpointSchema = field.object({
  host: field.text(),
  port: field.port(),
  caPath: field.absolutePath(),
  certPath: field.absolutePath(),
  keyPath: field.absolutePath(),
});

export type EngineEndpoint = z.infer<typeof engineEndpointSchema>;
