/**
 * Flags that both pairs spell and use alike (each release's page lists them; the builders' tests check
 * every flag against the release it is built for).
 */
import type { Flag } from './profile';
import type { DtrReplicaSettings, UcpInstallSettings } from './settings';

/** UCP's install: the controller's address (also its first certificate name), port and admin user. */
export function ucpInstallFlags(settings: UcpInstallSettings): Flag[] {
  return [
    ['--host-address', settings.hostAddress],
    ...[settings.hostAddress, ...settings.sans].map((san): Flag => ['--san', san]),
    ['--controller-port', settings.controllerPort],
    ['--admin-username', settings.adminUsername],
  ];
}

/** A replica's own ports, on install and join. */
export function replicaPorts(settings: DtrReplicaSettings): Flag[] {
  return [
    ['--replica-http-port', settings.httpPort],
    ['--replica-https-port', settings.httpsPort],
  ];
}
