// DTR 2.7 (`docker/dtr` image), transcribed from docker/docs `reference/dtr/2.7/cli/...`, the 2.7
// API spec in `reference/dtr/2.7/api/main.js`, and the unversioned `ee/dtr/...` guides.
// Data only; see README.md. Every 2.7 option table has an "Environment Variable" column.
import type { FlagSpec, ReleaseContract } from './types';

const REF = 'reference/dtr/2.7/cli';
const INDEX = `${REF}/index.md`;
const INSTALL = `${REF}/install.md`;
const JOIN = `${REF}/join.md`;
const RECONFIGURE = `${REF}/reconfigure.md`;
const REMOVE = `${REF}/remove.md`;
const DESTROY = `${REF}/destroy.md`;
const RESTORE = `${REF}/restore.md`;
const BACKUP = `${REF}/backup.md`;
const UPGRADE = `${REF}/upgrade.md`;
const IMAGES = `${REF}/images.md`;
const EMERGENCY_REPAIR = `${REF}/emergency-repair.md`;
const API = 'reference/dtr/2.7/api/main.js';
const API_INDEX = 'reference/dtr/2.7/api/index.html';
const ARCHITECTURE = 'ee/dtr/architecture.md';
const LOAD_BALANCER = 'ee/dtr/admin/configure/use-a-load-balancer.md';
const MONITOR = 'ee/dtr/admin/monitor-and-troubleshoot/index.md';
const SYSTEM_REQUIREMENTS = 'ee/dtr/admin/install/system-requirements.md';
const INSTALL_GUIDE = 'ee/dtr/admin/install/index.md';
const UNINSTALL_GUIDE = 'ee/dtr/admin/install/uninstall.md';
const HA = 'ee/dtr/admin/configure/set-up-high-availability.md';
const REPAIR = 'ee/dtr/admin/disaster-recovery/repair-a-cluster.md';

type Flag = Omit<FlagSpec, 'source'>;
const value = { takesValue: true, valueMarkedOnPage: false } as const;
const swtch = { takesValue: false, valueMarkedOnPage: false } as const;

// Flags whose wording is the same on every 2.7 page that lists them; a command adds `source`.
// Where a page words one differently, that command spells the flag out.
const DEBUG: Flag = {
  name: '--debug',
  ...swtch,
  env: 'DEBUG',
  description: 'Enable debug mode for additional logs.',
};
const HELP_EXTENDED: Flag = {
  name: '--help-extended',
  ...swtch,
  env: 'DTR_EXTENDED_HELP',
  description: 'Display extended help text for a given command.',
};
const UCP_URL: Flag = {
  name: '--ucp-url',
  ...value,
  env: 'UCP_URL',
  description: 'The UCP URL including domain and port.',
};
const UCP_USERNAME: Flag = {
  name: '--ucp-username',
  ...value,
  env: 'UCP_USERNAME',
  description: 'The UCP administrator username.',
};
const UCP_PASSWORD: Flag = {
  name: '--ucp-password',
  ...value,
  env: 'UCP_PASSWORD',
  description: 'The UCP administrator password.',
};
const UCP_CA: Flag = {
  name: '--ucp-ca',
  ...value,
  env: 'UCP_CA',
  description:
    'Use a PEM-encoded TLS CA certificate for UCP. Download the UCP TLS CA certificate from `https://<ucp-url>/ca`, and use `--ucp-ca "$(cat ca.pem)"`.',
};
const UCP_INSECURE_TLS: Flag = {
  name: '--ucp-insecure-tls',
  ...swtch,
  env: 'UCP_INSECURE_TLS',
  description:
    'Disable TLS verification for UCP. The installation uses TLS but always trusts the TLS certificate used by UCP, which can lead to MITM (man-in-the-middle) attacks. For production deployments, use `--ucp-ca "$(cat ca.pem)"` instead.',
};
const UCP_NODE: Flag = {
  name: '--ucp-node',
  ...value,
  env: 'UCP_NODE',
  default: 'random',
  description:
    'The hostname of the UCP node to deploy DTR. Random by default. You can find the hostnames of the nodes in the cluster in the UCP web interface, or by running `docker node ls` on a UCP manager node.',
};
const EXISTING_REPLICA_ID: Flag = {
  name: '--existing-replica-id',
  ...value,
  env: 'DTR_REPLICA_ID',
  description:
    "The ID of an existing DTR replica. To add, remove or modify DTR, you must connect to an existing healthy replica's database.",
};
const REPLICA_ID: Flag = {
  name: '--replica-id',
  ...value,
  env: 'DTR_INSTALL_REPLICA_ID',
  default: 'random',
  description: 'Assign a 12-character hexadecimal ID to the DTR replica. Random by default.',
};
const REPLICA_HTTP_PORT: Flag = {
  name: '--replica-http-port',
  ...value,
  env: 'REPLICA_HTTP_PORT',
  default: '80',
  description:
    'The public HTTP port for the DTR replica. Default is `80`. This allows you to customize the HTTP port where users can reach DTR. Once users access the HTTP port, they are redirected to use an HTTPS connection, using the port specified with `--replica-https-port`. This port can also be used for unencrypted health checks.',
};
const REPLICA_HTTPS_PORT: Flag = {
  name: '--replica-https-port',
  ...value,
  env: 'REPLICA_HTTPS_PORT',
  default: '443',
  description:
    'The public HTTPS port for the DTR replica. Default is `443`. This allows you to customize the HTTPS port where users can reach DTR. Each replica can use a different port.',
};
const RETHINKDB_CACHE: Flag = {
  name: '--replica-rethinkdb-cache-mb',
  ...value,
  env: 'RETHINKDB_CACHE_MB',
  default: 'auto',
  description:
    'The maximum amount of space in MB for RethinkDB in-memory cache used by the given replica. Default is auto. Auto is `(available_memory - 1024) / 2`. This config allows changing the RethinkDB cache usage per replica. You need to run it once per replica to change each one.',
};
const HTTP_PROXY: Flag = {
  name: '--http-proxy',
  ...value,
  env: 'DTR_HTTP_PROXY',
  description: 'The HTTP proxy used for outgoing requests.',
};
const HTTPS_PROXY: Flag = {
  name: '--https-proxy',
  ...value,
  env: 'DTR_HTTPS_PROXY',
  description: 'The HTTPS proxy used for outgoing requests.',
};
const NO_PROXY: Flag = {
  name: '--no-proxy',
  ...value,
  env: 'DTR_NO_PROXY',
  description:
    "List of domains the proxy should not be used for. When using `--http-proxy` you can use this flag to specify a list of domains that you don't want to route through the proxy. Format `acme.com[, acme.org]`.",
};
const LOG_HOST: Flag = {
  name: '--log-host',
  ...value,
  env: 'LOG_HOST',
  description:
    'The syslog system to send logs to. The endpoint to send logs to. Use this flag if you set `--log-protocol` to `tcp` or `udp`.',
};
const LOG_LEVEL: Flag = {
  name: '--log-level',
  ...value,
  env: 'LOG_LEVEL',
  default: 'INFO',
  description:
    'Log level for all container logs when logging to syslog. Default: INFO. The supported log levels are `debug`, `info`, `warn`, `error`, or `fatal`.',
};
const LOG_PROTOCOL: Flag = {
  name: '--log-protocol',
  ...value,
  env: 'LOG_PROTOCOL',
  default: 'internal',
  description:
    'The protocol for sending logs. Default is internal. By default, DTR internal components log information using the logger specified in the Docker daemon in the node where the DTR replica is deployed. Use this option to send DTR logs to an external syslog system. The supported values are `tcp`, `udp`, and `internal`. Internal is the default option, stopping DTR from sending logs to an external system. Use this flag with `--log-host`.',
};
const ENABLE_PPROF: Flag = {
  name: '--enable-pprof',
  ...swtch,
  env: 'DTR_PPROF',
  description:
    'Enables pprof profiling of the server. Use `--enable-pprof=false` to disable it. Once DTR is deployed with this flag, you can access the `pprof` endpoint for the api server at `/debug/pprof`, and the registry endpoint at `/registry_debug_pprof/debug/pprof`.',
};
const DTR_KEY: Flag = {
  name: '--dtr-key',
  ...value,
  env: 'DTR_KEY',
  description:
    'Use a PEM-encoded TLS private key for DTR. By default DTR generates a self-signed TLS certificate during deployment. You can use your own TLS private key with `--dtr-key "$(cat key.pem)"`.',
};
const DTR_CA: Flag = {
  name: '--dtr-ca',
  ...value,
  env: 'DTR_CA',
  description:
    'Use a PEM-encoded TLS CA certificate for DTR. By default DTR generates a self-signed TLS certificate during deployment. You can use your own root CA public certificate with `--dtr-ca "$(cat ca.pem)"`.',
};
const DTR_CERT: Flag = {
  name: '--dtr-cert',
  ...value,
  env: 'DTR_CERT',
  description:
    'Use a PEM-encoded TLS certificate for DTR. By default DTR generates a self-signed TLS certificate during deployment. You can use your own public key certificate with `--dtr-cert "$(cat cert.pem)"`. If the certificate has been signed by an intermediate certificate authority, append its public key certificate at the end of the file to establish a chain of trust.',
};
const DTR_STORAGE_VOLUME: Flag = {
  name: '--dtr-storage-volume',
  ...value,
  env: 'DTR_STORAGE_VOLUME',
  description:
    "Customize the volume to store Docker images. By default DTR creates a volume to store the Docker images in the local filesystem of the node where DTR is running, without high-availability. Use this flag to specify a full path or volume name for DTR to store images. For high-availability, make sure all DTR replicas can read and write data on this volume. If you're using NFS, use `--nfs-storage-url` instead.",
};
const ASYNC_NFS: Flag = {
  name: '--async-nfs',
  ...swtch,
  env: 'ASYNC_NFS',
  description:
    'Use async NFS volume options on the replica specified in the `--existing-replica-id` option. The NFS configuration must be set with `--nfs-storage-url` explicitly to use this option. Using `--async-nfs` will bring down any containers on the replica that use the NFS volume, delete the NFS volume, bring it back up with the appropriate configuration, and restart any containers that were brought down.',
};
const CLIENT_CERT_AUTH_CA: Flag = {
  name: '--client-cert-auth-ca',
  ...value,
  env: 'CLIENT_CA',
  description:
    'Specify root CA certificates for client authentication with `--client-cert-auth-ca "$(cat ca.pem)"`.',
};
const ENABLE_CLIENT_CERT_AUTH: Flag = {
  name: '--enable-client-cert-auth',
  ...swtch,
  env: 'ENABLE_CLIENT_CERT_AUTH',
  description:
    'Enables TLS client certificate authentication; use `--enable-client-cert-auth=false` to disable it. If enabled, DTR will additionally authenticate users via TLS client certificates. You must also specify the root certificate authorities (CAs) that issued the certificates with `--client-cert-auth-ca`.',
};
const NFS_OPTIONS: Flag = {
  name: '--nfs-options',
  ...value,
  env: 'NFS_OPTIONS',
  description:
    'Pass in NFS volume options verbatim for the replica specified in the `--existing-replica-id` option. The NFS configuration must be set with `--nfs-storage-url` explicitly to use this option. Specifying `--nfs-options` will pass in character-for-character the options specified in the argument when creating or recreating the NFS volume. For instance, to use NFS v4 with async, pass in "rw,nfsvers=4,async" as the argument.',
};
const OVERLAY_SUBNET: Flag = {
  name: '--overlay-subnet',
  ...value,
  env: 'DTR_OVERLAY_SUBNET',
  description:
    'The subnet used by the dtr-ol overlay network. Example: `10.0.0.0/24`. For high-availability, DTR creates an overlay network between UCP nodes. This flag allows you to choose the subnet for that network. Make sure the subnet you choose is not used on any machine where DTR replicas are deployed.',
};

export const dtr27: ReleaseContract = {
  product: 'dtr',
  line: '2.7',
  referenceDir: REF,
  image: 'docker/dtr',
  invocation: {
    usage: 'docker run -it --rm docker/dtr \\\n    command [command options]',
    notes: [
      'This tool has commands to install, configure, and backup Docker Trusted Registry (DTR). It also allows uninstalling DTR. By default the tool runs in interactive mode. It prompts you for the values needed.',
      "Additional help is available for each command with the '--help' option.",
      'If not specified, `docker/dtr` uses the `latest` tag by default. To work with a different version, specify it in the command. For example, `docker run -it --rm docker/dtr:2.6.0`.',
      'backup and restore run with -i instead of -it; the backup examples add `--log-driver none`.',
    ],
    source: INDEX,
  },
  globalFlags: [],
  commands: [
    {
      name: 'install',
      description: 'Install Docker Trusted Registry',
      usage: 'docker run -it --rm docker/dtr \\\n    install [command options]',
      flagsFrom: 'page',
      source: INSTALL,
      flags: [
        { ...ASYNC_NFS, source: INSTALL },
        {
          ...CLIENT_CERT_AUTH_CA,
          source: INSTALL,
          notes: ['Printed with a trailing space: `--client-cert-auth-ca `.'],
        },
        { ...DEBUG, source: INSTALL },
        { ...DTR_CA, source: INSTALL },
        { ...DTR_CERT, source: INSTALL },
        {
          name: '--dtr-external-url',
          ...value,
          env: 'DTR_EXTERNAL_URL',
          description:
            "URL of the host or load balancer clients use to reach DTR. When you use this flag, users are redirected to UCP for logging in. Once authenticated they are redirected to the URL you specify in this flag. If you don't use this flag, DTR is deployed without single sign-on with UCP. Users and teams are shared but users log in separately into the two applications. You can enable and disable single sign-on within your DTR system settings. Format `https://host[:port]`, where port is the value you used with `--replica-https-port`. Since HSTS (HTTP Strict-Transport-Security) header is included in all API responses, make sure to specify the FQDN (Fully Qualified Domain Name) of your DTR, or your browser may refuse to load the web interface.",
          source: INSTALL,
        },
        { ...DTR_KEY, source: INSTALL },
        { ...DTR_STORAGE_VOLUME, source: INSTALL },
        { ...ENABLE_CLIENT_CERT_AUTH, source: INSTALL },
        { ...ENABLE_PPROF, source: INSTALL },
        { ...HELP_EXTENDED, source: INSTALL },
        { ...HTTP_PROXY, source: INSTALL },
        { ...HTTPS_PROXY, source: INSTALL },
        { ...LOG_HOST, source: INSTALL },
        { ...LOG_LEVEL, source: INSTALL },
        { ...LOG_PROTOCOL, source: INSTALL },
        {
          name: '--nfs-storage-url',
          ...value,
          env: 'NFS_STORAGE_URL',
          description:
            'Use NFS to store Docker images following this format: `nfs://<ip|hostname>/<mountpoint>`. By default, DTR creates a volume to store the Docker images in the local filesystem of the node where DTR is running, without high availability. To use this flag, you need to install an NFS client library like nfs-common in the node where you\'re deploying DTR. You can test this by running `showmount -e <nfs-server>`. When you join new replicas, they will start using NFS so there is no need to specify this flag. To reconfigure DTR to stop using NFS, leave this option empty: `--nfs-storage-url ""`. See USE NFS for more details.',
          source: INSTALL,
        },
        { ...NFS_OPTIONS, source: INSTALL },
        { ...NO_PROXY, source: INSTALL },
        { ...OVERLAY_SUBNET, source: INSTALL },
        { ...REPLICA_HTTP_PORT, source: INSTALL },
        { ...REPLICA_HTTPS_PORT, source: INSTALL },
        { ...REPLICA_ID, source: INSTALL },
        { ...RETHINKDB_CACHE, source: INSTALL },
        { ...UCP_CA, source: INSTALL },
        { ...UCP_INSECURE_TLS, source: INSTALL },
        { ...UCP_NODE, source: INSTALL },
        { ...UCP_PASSWORD, source: INSTALL },
        { ...UCP_URL, source: INSTALL },
        { ...UCP_USERNAME, source: INSTALL },
      ],
      notes: [
        'This command installs Docker Trusted Registry (DTR) on a node managed by Docker Universal Control Plane (UCP). After installing DTR, you can join additional DTR replicas using `docker/dtr join`.',
        'Example usage: `docker run -it --rm docker/dtr:{{ site.dtr_version }}.0 install --ucp-node <UCP_NODE_HOSTNAME> --ucp-insecure-tls`; "Use `--ucp-ca "$(cat ca.pem)"` instead of `--ucp-insecure-tls` for a production deployment."',
      ],
    },
    {
      name: 'join',
      description: 'Add a new replica to an existing DTR cluster',
      usage:
        'docker run -it --rm \\\n  docker/dtr:2.6.0 join \\\n  --ucp-node <ucp-node-name> \\\n  --ucp-insecure-tls',
      flagsFrom: 'page',
      source: JOIN,
      flags: [
        { ...DEBUG, source: JOIN },
        { ...EXISTING_REPLICA_ID, source: JOIN },
        { ...HELP_EXTENDED, source: JOIN },
        { ...REPLICA_HTTP_PORT, source: JOIN },
        { ...REPLICA_HTTPS_PORT, source: JOIN },
        { ...REPLICA_ID, source: JOIN },
        { ...RETHINKDB_CACHE, source: JOIN },
        {
          name: '--skip-network-test',
          ...swtch,
          env: 'DTR_SKIP_NETWORK_TEST',
          description:
            "Don't test if overlay networks are working correctly between UCP nodes. For high-availability, DTR creates an overlay network between UCP nodes and tests that it is working when joining replicas. Don't use this option for production deployments.",
          source: JOIN,
        },
        {
          ...UCP_CA,
          description:
            'Use a PEM-encoded TLS CA certificate for UCP.Download the UCP TLS CA certificate from `https://<ucp-url>/ca`, and use `--ucp-ca "$(cat ca.pem)"`.',
          source: JOIN,
        },
        { ...UCP_INSECURE_TLS, source: JOIN },
        {
          ...UCP_NODE,
          description:
            'The hostname of the UCP node to deploy DTR. Random by default.You can find the hostnames of the nodes in the cluster in the UCP web interface, or by running `docker node ls` on a UCP manager node.',
          source: JOIN,
        },
        { ...UCP_PASSWORD, source: JOIN },
        { ...UCP_URL, source: JOIN },
        { ...UCP_USERNAME, source: JOIN },
        {
          name: '--unsafe-join',
          ...swtch,
          env: 'DTR_UNSAFE_JOIN',
          description:
            "Join a new replica even if the cluster is unhealthy.Joining replicas to an unhealthy DTR cluster leads to split-brain scenarios, and data loss. Don't use this option for production deployments.",
          source: JOIN,
        },
      ],
      notes: [
        'Add a new replica to an existing DTR cluster. Use SSH to log into any node that is already part of UCP.',
        'This command creates a replica of an existing DTR on a node managed by Docker Universal Control Plane (UCP). For setting DTR for high-availability, create 3, 5, or 7 replicas of DTR.',
      ],
    },
    {
      name: 'reconfigure',
      description: 'Change DTR configurations',
      usage: 'docker run -it --rm docker/dtr \\\n    reconfigure [command options]',
      flagsFrom: 'page',
      source: RECONFIGURE,
      flags: [
        { ...ASYNC_NFS, source: RECONFIGURE },
        { ...CLIENT_CERT_AUTH_CA, source: RECONFIGURE },
        {
          ...DEBUG,
          description:
            'Enable debug mode for additional logs of this bootstrap container (the log level of downstream DTR containers can be set with `--log-level`).',
          source: RECONFIGURE,
        },
        { ...DTR_CA, source: RECONFIGURE },
        { ...DTR_CERT, source: RECONFIGURE },
        {
          name: '--dtr-external-url',
          ...value,
          env: 'DTR_EXTERNAL_URL',
          description:
            "URL of the host or load balancer clients use to reach DTR. When you use this flag, users are redirected to UCP for logging in. Once authenticated they are redirected to the url you specify in this flag. If you don't use this flag, DTR is deployed without single sign-on with UCP. Users and teams are shared but users login separately into the two applications. You can enable and disable single sign-on in the DTR settings. Format `https://host[:port]`, where port is the value you used with `--replica-https-port`. Since HSTS (HTTP Strict-Transport-Security) header is included in all API responses, make sure to specify the FQDN (Fully Qualified Domain Name) of your DTR, or your browser may refuse to load the web interface.",
          source: RECONFIGURE,
        },
        { ...DTR_KEY, source: RECONFIGURE },
        { ...DTR_STORAGE_VOLUME, source: RECONFIGURE },
        { ...ENABLE_CLIENT_CERT_AUTH, source: RECONFIGURE },
        { ...ENABLE_PPROF, source: RECONFIGURE },
        { ...EXISTING_REPLICA_ID, source: RECONFIGURE },
        { ...HELP_EXTENDED, source: RECONFIGURE },
        { ...HTTP_PROXY, source: RECONFIGURE },
        { ...HTTPS_PROXY, source: RECONFIGURE },
        { ...LOG_HOST, source: RECONFIGURE },
        { ...LOG_LEVEL, source: RECONFIGURE },
        { ...LOG_PROTOCOL, source: RECONFIGURE },
        {
          name: '--nfs-storage-url',
          ...value,
          env: 'NFS_STORAGE_URL',
          description:
            'When running DTR 2.5 (with experimental online garbage collection) and 2.6.0-2.6.3, there is an issue with reconfiguring and restoring DTR with `--nfs-storage-url` which leads to erased tags. Make sure to back up your DTR metadata before you proceed. To work around the issue, manually create a storage volume on each DTR node and reconfigure DTR with `--dtr-storage-volume` and your newly-created volume instead. See Reconfigure Using a Local NFS Volume for more details. To reconfigure DTR to stop using NFS, leave this option empty: `--nfs-storage-url ""`. See USE NFS for more details. Upgrade to 2.6.4 and follow Best practice for data migration in 2.6.4 when switching storage backends.',
          source: RECONFIGURE,
        },
        { ...NFS_OPTIONS, source: RECONFIGURE },
        { ...NO_PROXY, source: RECONFIGURE },
        { ...REPLICA_HTTP_PORT, source: RECONFIGURE },
        { ...REPLICA_HTTPS_PORT, source: RECONFIGURE },
        { ...RETHINKDB_CACHE, source: RECONFIGURE },
        {
          name: '--storage-migrated',
          ...swtch,
          env: 'STORAGE_MIGRATED',
          description:
            'A flag added in 2.6.4 which lets you indicate the migration status of your storage data. Specify this flag if you are migrating to a new storage backend and have already moved all contents from your old backend to your new one. If not specified, DTR will assume the new backend is empty during a backend storage switch, and consequently destroy your existing tags and related image metadata.',
          source: RECONFIGURE,
        },
        { ...UCP_CA, source: RECONFIGURE },
        { ...UCP_INSECURE_TLS, source: RECONFIGURE },
        { ...UCP_PASSWORD, source: RECONFIGURE },
        { ...UCP_URL, source: RECONFIGURE },
        { ...UCP_USERNAME, source: RECONFIGURE },
      ],
    },
    {
      name: 'remove',
      description: 'Remove a DTR replica from a cluster',
      usage: 'docker run -it --rm docker/dtr \\\n    remove [command options]',
      flagsFrom: 'page',
      source: REMOVE,
      flags: [
        { ...DEBUG, source: REMOVE },
        { ...EXISTING_REPLICA_ID, source: REMOVE },
        { ...HELP_EXTENDED, source: REMOVE },
        {
          name: '--replica-id',
          ...value,
          env: 'DTR_REMOVE_REPLICA_ID',
          description: 'DEPRECATED Alias for `--replica-ids`.',
          source: REMOVE,
        },
        {
          name: '--replica-ids',
          ...value,
          env: 'DTR_REMOVE_REPLICA_IDS',
          description: 'A comma separated list of IDs of replicas to remove from the cluster.',
          source: REMOVE,
        },
        { ...UCP_CA, source: REMOVE },
        { ...UCP_INSECURE_TLS, source: REMOVE },
        { ...UCP_PASSWORD, source: REMOVE },
        { ...UCP_URL, source: REMOVE },
        { ...UCP_USERNAME, source: REMOVE },
      ],
      notes: [
        'This command gracefully scales down your DTR cluster by removing exactly one replica. All other replicas must be healthy and will remain healthy after this operation.',
        'The description says "exactly one replica" while --replica-ids takes a comma separated list.',
        'No --ucp-node on this page.',
      ],
    },
    {
      name: 'destroy',
      description: "Destroy a DTR replica's data",
      usage: 'docker run -it --rm docker/dtr \\\n    destroy [command options]',
      flagsFrom: 'page',
      source: DESTROY,
      flags: [
        {
          name: '--replica-id',
          ...value,
          env: 'DTR_DESTROY_REPLICA_ID',
          description: 'The ID of the replica to destroy.',
          source: DESTROY,
        },
        { ...UCP_URL, source: DESTROY },
        { ...UCP_USERNAME, source: DESTROY },
        { ...UCP_PASSWORD, source: DESTROY },
        { ...DEBUG, source: DESTROY },
        { ...HELP_EXTENDED, source: DESTROY },
        {
          ...UCP_INSECURE_TLS,
          description:
            'Disable TLS verification for UCP.The installation uses TLS but always trusts the TLS certificate used by UCP, which can lead to man-in-the-middle attacks. For production deployments, use --ucp-ca "$(cat ca.pem)" instead.',
          source: DESTROY,
        },
        {
          ...UCP_CA,
          description:
            'Use a PEM-encoded TLS CA certificate for UCP.Download the UCP TLS CA certificate from https://<ucp-url>/ca, and use --ucp-ca "$(cat ca.pem)".',
          source: DESTROY,
        },
      ],
      notes: [
        "This command forcefully removes all containers and volumes associated with a DTR replica without notifying the rest of the cluster. Use this command on all replicas uninstall DTR. Use the 'remove' command to gracefully scale down your DTR cluster.",
      ],
    },
    {
      name: 'restore',
      description: 'Install and restore DTR from an existing backup',
      usage: 'docker run -i --rm docker/dtr \\\n    restore [command options] < backup.tar',
      flagsFrom: 'page',
      source: RESTORE,
      flags: [
        { ...DEBUG, source: RESTORE },
        {
          ...DTR_CA,
          description:
            'Use a PEM-encoded TLS CA certificate for DTR. By default DTR generates a self-signed TLS certificate during deployment. You can use your own TLS CA certificate with `--dtr-ca "$(cat ca.pem)"`.',
          source: RESTORE,
        },
        {
          ...DTR_CERT,
          description:
            'Use a PEM-encoded TLS certificate for DTR. By default DTR generates a self-signed TLS certificate during deployment. You can use your own TLS certificate with `--dtr-cert "$(cat ca.pem)"`.',
          source: RESTORE,
        },
        {
          name: '--dtr-external-url',
          ...value,
          env: 'DTR_EXTERNAL_URL',
          description:
            "URL of the host or load balancer clients use to reach DTR. When you use this flag, users are redirected to UCP for logging in. Once authenticated they are redirected to the URL you specify in this flag. If you don't use this flag, DTR is deployed without single sign-on with UCP. Users and teams are shared but users log in separately into the two applications. You can enable and disable single sign-on within your DTR system settings. Format `https://host[:port]`, where port is the value you used with `--replica-https-port`.",
          source: RESTORE,
        },
        {
          ...DTR_KEY,
          description:
            'Use a PEM-encoded TLS private key for DTR. By default DTR generates a self-signed TLS certificate during deployment. You can use your own TLS private key with `--dtr-key "$(cat ca.pem)"`.',
          source: RESTORE,
        },
        {
          name: '--dtr-storage-volume',
          ...value,
          env: 'DTR_STORAGE_VOLUME',
          description:
            'Mandatory flag to allow for DTR to fall back to your configured storage setting at the time of backup. If you have previously configured DTR to use a full path or volume name for storage, specify this flag to use the same setting on restore. See docker/dtr install and docker/dtr reconfigure for usage details.',
          source: RESTORE,
        },
        {
          name: '--dtr-use-default-storage',
          ...swtch,
          env: 'DTR_DEFAULT_STORAGE',
          description:
            "Mandatory flag to allow for DTR to fall back to your configured storage backend at the time of backup. If cloud storage was configured, then the default storage on restore is cloud storage. Otherwise, local storage is used. With DTR 2.5 (with experimental online garbage collection) and 2.6.0-2.6.3, this flag must be specified in order to keep your DTR metadata. If you encounter an issue with lost tags, see Restore to Cloud Storage for Docker's recommended recovery strategy. Upgrade to 2.6.4 and follow Best practice for data migration in 2.6.4 when switching storage backends.",
          source: RESTORE,
        },
        {
          name: '--nfs-storage-url',
          ...value,
          env: 'NFS_STORAGE_URL',
          description:
            'Mandatory flag to allow for DTR to fall back to your configured storage setting at the time of backup. When running DTR 2.5 (with experimental online garbage collection) and 2.6.0-2.6.3, there is an issue with reconfiguring and restoring DTR with `--nfs-storage-url` which leads to erased tags. Make sure to back up your DTR metadata before you proceed. If NFS was previously configured, you have to manually create a storage volume on each DTR node and specify `--dtr-storage-volume` with the newly-created volume instead. See Restore to a Local NFS Volume for more details. For additional NFS configuration options to support NFS v4, see docker/dtr install and docker/dtr reconfigure. Upgrade to 2.6.4 and follow Best practice for data migration in 2.6.4 when switching storage backends.',
          source: RESTORE,
        },
        { ...ENABLE_PPROF, source: RESTORE },
        { ...HELP_EXTENDED, source: RESTORE },
        { ...HTTP_PROXY, source: RESTORE },
        { ...HTTPS_PROXY, source: RESTORE },
        {
          ...LOG_HOST,
          description:
            'The syslog system to send logs to.The endpoint to send logs to. Use this flag if you set --log-protocol to tcp or udp.',
          source: RESTORE,
        },
        {
          ...LOG_LEVEL,
          description:
            'Log level for all container logs when logging to syslog. Default: `INFO`. The supported log levels are `debug`, `info`, `warn`, `error`, or `fatal`.',
          source: RESTORE,
        },
        {
          ...LOG_PROTOCOL,
          description:
            'The protocol for sending logs. Default is internal.By default, DTR internal components log information using the logger specified in the Docker daemon in the node where the DTR replica is deployed. Use this option to send DTR logs to an external syslog system. The supported values are tcp, udp, and internal. Internal is the default option, stopping DTR from sending logs to an external system. Use this flag with --log-host.',
          source: RESTORE,
        },
        {
          ...NO_PROXY,
          description:
            "List of domains the proxy should not be used for.When using --http-proxy you can use this flag to specify a list of domains that you don't want to route through the proxy. Format acme.com[, acme.org].",
          source: RESTORE,
        },
        { ...REPLICA_HTTP_PORT, source: RESTORE },
        { ...REPLICA_HTTPS_PORT, source: RESTORE },
        { ...REPLICA_ID, source: RESTORE },
        { ...RETHINKDB_CACHE, source: RESTORE },
        { ...UCP_CA, source: RESTORE },
        { ...UCP_INSECURE_TLS, source: RESTORE },
        { ...UCP_NODE, source: RESTORE },
        { ...UCP_PASSWORD, source: RESTORE },
        { ...UCP_URL, source: RESTORE },
        { ...UCP_USERNAME, source: RESTORE },
      ],
      notes: [
        'This command performs a fresh installation of DTR, and reconfigures it with configuration data from a `tar` file generated by `docker/dtr backup`. If you are restoring DTR after a failure, please make sure you have destroyed the old DTR fully.',
      ],
    },
    {
      name: 'backup',
      description: 'Create a backup of DTR',
      usage: 'docker run -i --rm docker/dtr \\\n    backup [command options] > backup.tar',
      flagsFrom: 'page',
      source: BACKUP,
      flags: [
        { ...DEBUG, source: BACKUP },
        {
          ...EXISTING_REPLICA_ID,
          description:
            "The ID of an existing DTR replica. To add, remove or modify a DTR replica, you must connect to an existing healthy replica's database.",
          source: BACKUP,
        },
        { ...HELP_EXTENDED, source: BACKUP },
        {
          name: '--offline-backup',
          ...swtch,
          env: 'DTR_OFFLINE_BACKUP',
          description:
            'This flag takes RethinkDB down during backup and takes a more reliable backup. If you back up DTR with this flag, RethinkDB will go down during backup. However, offline backups are guaranteed to be more consistent than online backups.',
          source: BACKUP,
        },
        { ...UCP_CA, source: BACKUP },
        { ...UCP_INSECURE_TLS, source: BACKUP },
        { ...UCP_PASSWORD, source: BACKUP },
        { ...UCP_URL, source: BACKUP },
        { ...UCP_USERNAME, source: BACKUP },
      ],
      notes: [
        'Basic example: `docker run -i --rm --log-driver none docker/dtr:2.6.5 backup --ucp-ca "$(cat ca.pem)" --existing-replica-id 5eb9459a7832 > backup.tar`',
        'This command creates a `tar` file with the contents of the volumes used by DTR, and prints it. You can then use `docker/dtr restore` to restore the data from an existing backup.',
      ],
    },
    {
      name: 'upgrade',
      description: 'Upgrade DTR 2.5.x cluster to this version',
      usage: 'docker run -it --rm docker/dtr \\\n    upgrade [command options]',
      flagsFrom: 'page',
      source: UPGRADE,
      flags: [
        { ...DEBUG, source: UPGRADE },
        { ...EXISTING_REPLICA_ID, source: UPGRADE },
        { ...HELP_EXTENDED, source: UPGRADE },
        { ...UCP_CA, source: UPGRADE },
        { ...UCP_INSECURE_TLS, source: UPGRADE },
        { ...UCP_PASSWORD, source: UPGRADE },
        { ...UCP_URL, source: UPGRADE },
        { ...UCP_USERNAME, source: UPGRADE },
      ],
      notes: [
        'The command table of the index page says "Upgrade DTR 2.4.x cluster to this version"; the upgrade page says 2.5.x.',
      ],
    },
    {
      name: 'images',
      description: 'List all the images necessary to install DTR',
      usage: 'docker run -it --rm docker/dtr \\\n    images [command options]',
      flagsFrom: 'no-options-section',
      flags: [],
      source: IMAGES,
    },
    {
      name: 'emergency-repair',
      description: 'Recover DTR from loss of quorum',
      usage: 'docker run -it --rm docker/dtr \\\n    emergency-repair [command options]',
      flagsFrom: 'page',
      source: EMERGENCY_REPAIR,
      flags: [
        { ...DEBUG, source: EMERGENCY_REPAIR },
        { ...EXISTING_REPLICA_ID, source: EMERGENCY_REPAIR },
        { ...HELP_EXTENDED, source: EMERGENCY_REPAIR },
        { ...OVERLAY_SUBNET, source: EMERGENCY_REPAIR },
        {
          name: '--prune',
          ...swtch,
          env: 'PRUNE',
          description:
            "Delete the data volumes of all unhealthy replicas. With this option, the volume of the DTR replica you're restoring is preserved but the volumes for all other replicas are deleted. This has the same result as completely uninstalling DTR from those replicas.",
          source: EMERGENCY_REPAIR,
        },
        {
          ...UCP_CA,
          description:
            'Use a PEM-encoded TLS CA certificate for UCP. Download the UCP TLS CA certificate from https://<ucp-url>/ca, and use `--ucp-ca "$(cat ca.pem)"`.',
          source: EMERGENCY_REPAIR,
        },
        { ...UCP_INSECURE_TLS, source: EMERGENCY_REPAIR },
        { ...UCP_PASSWORD, source: EMERGENCY_REPAIR },
        { ...UCP_URL, source: EMERGENCY_REPAIR },
        { ...UCP_USERNAME, source: EMERGENCY_REPAIR },
        {
          name: '--y',
          aliases: ['yes'],
          ...swtch,
          env: 'YES',
          description: 'Answer yes to any prompts.',
          source: EMERGENCY_REPAIR,
          notes: ['Printed `--y, yes` on the page.'],
        },
      ],
      notes: [
        'This command repairs a DTR cluster that has lost quorum by reverting your cluster to a single DTR replica.',
        'The description says "When using the `force` option, the volumes for these replicas are also deleted"; the options table has no --force, and --prune describes deleting them.',
      ],
    },
  ],
  endpoints: [
    {
      method: 'GET',
      path: '/_ping',
      purpose:
        'Checks if the DTR replica is healthy. Returns `{"Error": "error message", "Healthy": true}` for the replica queried; 200 means healthy, an unhealthy replica returns 503 and populates "Error" (storage/registry, garant, rethinkdb, notary).',
      auth: 'unauthenticated',
      source: LOAD_BALANCER,
      notes: [
        'This endpoint is for checking the health of a single replica; query each replica individually for every replica.',
      ],
    },
    {
      method: 'GET',
      path: '/nginx_status',
      purpose: 'Returns the number of connections being handled by the NGINX front-end used by DTR.',
      source: MONITOR,
    },
    {
      method: 'GET',
      path: '/api/v0/meta/cluster_status',
      purpose:
        'Returns extensive information about all DTR replicas: a JSON object for the entire cluster as observed by the replica being queried, with `current_issues` and `replica_health`.',
      auth: 'requires administrator credentials; HTTP basic auth (`curl -ksL -u <user>:<pass> https://<dtr-domain>/api/v0/meta/cluster_status`)',
      source: MONITOR,
    },
    {
      method: 'GET',
      path: '/api/v0/repositories',
      purpose: 'List all repositories (query: pageStart, pageSize default 10, count default false).',
      auth: 'Client must be authenticated as any active user in the system. Results will be filtered to only those repositories visible to the client.',
      source: API,
    },
    {
      method: 'POST',
      path: '/api/v0/repositories/{namespace}',
      purpose: 'Create repository (body forms.CreateRepo; 201, 400 REPOSITORY_EXISTS).',
      auth: 'admin access to the repository namespace',
      source: API,
    },
    {
      method: 'GET',
      path: '/api/v0/repositories/{namespace}',
      purpose: 'List repositories in a namespace.',
      source: API,
    },
    {
      method: 'GET',
      path: '/api/v0/repositories/{namespace}/{reponame}',
      purpose: 'View details of a repository (404 NO_SUCH_REPOSITORY).',
      source: API,
    },
    {
      method: 'DELETE',
      path: '/api/v0/repositories/{namespace}/{reponame}',
      purpose: 'Remove a repository (204 "success or repository does not exist").',
      source: API,
    },
    {
      method: 'GET',
      path: '/api/v0/repositories/{namespace}/{reponame}/tags',
      purpose: 'List the available tags for a repository.',
      source: API,
    },
    {
      method: 'GET',
      path: '/api/v0/meta/settings',
      purpose: 'Get settings.',
      auth: 'Client must be authenticated an admin.',
      source: API,
    },
  ],
  names: {
    containers: [
      {
        pattern: 'dtr-api-<replica_id>',
        description: 'Executes DTR business logic; serves the DTR web application and API',
        source: ARCHITECTURE,
      },
      { pattern: 'dtr-garant-<replica_id>', description: 'Manages DTR authentication', source: ARCHITECTURE },
      {
        pattern: 'dtr-jobrunner-<replica_id>',
        description: 'Runs cleanup jobs in the background',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-nginx-<replica_id>',
        description:
          'Receives http and https requests and proxies these requests to other DTR components; listens to ports 80 and 443 of the host, by default',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-notary-server-<replica_id>',
        description:
          'Receives, validates, and serves content trust metadata; is consulted when pushing or pulling to DTR with content trust enabled',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-notary-signer-<replica_id>',
        description: 'Performs server-side timestamp and snapshot signing for content trust metadata',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-registry-<replica_id>',
        description:
          'Implements the functionality for pulling and pushing Docker images; handles how images are stored',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-rethinkdb-<replica_id>',
        description: 'Database for persisting repository metadata',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-scanningstore-<replica_id>',
        description: 'Stores security scanning data',
        source: ARCHITECTURE,
      },
    ],
    volumes: [
      {
        pattern: 'dtr-ca-<replica_id>',
        description: 'Root key material for the DTR root CA that issues certificates',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-notary-<replica_id>',
        description: 'Certificate and keys for the Notary components',
        source: ARCHITECTURE,
      },
      { pattern: 'dtr-postgres-<replica_id>', description: 'Vulnerability scans data', source: ARCHITECTURE },
      {
        pattern: 'dtr-registry-<replica_id>',
        description: 'Docker images data (if DTR is configured to store images on the local filesystem)',
        source: ARCHITECTURE,
      },
      { pattern: 'dtr-rethink-<replica_id>', description: 'Repository metadata', source: ARCHITECTURE },
      {
        pattern: 'dtr-nfs-registry-<replica_id>',
        description: 'Docker images data (if DTR is configured to store images on NFS)',
        source: ARCHITECTURE,
      },
    ],
    networks: [
      {
        pattern: 'dtr-ol',
        driver: 'overlay',
        description:
          'The *dtr-ol* overlay network is created when DTR is installed. This network allows DTR containers running on different nodes to connect for data replication purposes.',
        source: ARCHITECTURE,
      },
    ],
  },
  ports: [
    {
      port: 80,
      protocol: 'tcp',
      direction: 'in',
      configurable: true,
      flag: '--replica-http-port',
      purpose: 'Web app and API client access to DTR.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 443,
      protocol: 'tcp',
      direction: 'in',
      configurable: true,
      flag: '--replica-https-port',
      purpose: 'Web app and API client access to DTR.',
      source: SYSTEM_REQUIREMENTS,
    },
  ],
  rules: [
    {
      text: 'DTR needs to be installed on a worker node that is being managed by UCP. You cannot install DTR on a standalone Docker Engine.',
      commands: ['install', 'join'],
      source: INSTALL_GUIDE,
    },
    {
      text: 'To install DTR, all nodes must be a worker node managed by Universal Control Plane and have a fixed hostname.',
      commands: ['install', 'join'],
      source: SYSTEM_REQUIREMENTS,
    },
    {
      text: '--ucp-node is the hostname of the UCP node where the DTR replica is deployed — "This is NOT the UCP Manager URL." Hostnames are shown in the UCP web interface or by `docker node ls` on a UCP manager node.',
      commands: ['install', 'join', 'restore'],
      source: INSTALL_GUIDE,
    },
    {
      text: "--dtr-external-url has the form `https://host[:port]`, where port is the value used with `--replica-https-port`; use the FQDN because of HSTS. With it, DTR registers itself with UCP and UCP adds DTR's CA to /etc/docker/certs.d on each host.",
      commands: ['install', 'reconfigure', 'restore'],
      source: INSTALL_GUIDE,
    },
    {
      text: 'When you join a replica to a DTR cluster, you need to specify the ID of a replica that is already part of the cluster. For high-availability, set 3 or 5 DTR replicas (the join page says 3, 5, or 7).',
      commands: ['join'],
      source: INSTALL_GUIDE,
    },
    {
      text: "--unsafe-join: joining replicas to an unhealthy DTR cluster leads to split-brain scenarios, and data loss. Don't use this option for production deployments.",
      commands: ['join'],
      source: JOIN,
    },
    {
      text: 'remove gracefully scales down the cluster by removing exactly one replica; all other replicas must be healthy. You are prompted for the existing replica id (any healthy replica), the replica id to remove (may be unhealthy) and UCP admin credentials.',
      commands: ['remove'],
      source: HA,
    },
    {
      text: 'destroy forcefully removes all containers and volumes associated with a DTR replica without notifying the rest of the cluster. Uninstalling DTR is running destroy once per replica.',
      commands: ['destroy'],
      source: UNINSTALL_GUIDE,
    },
    {
      text: 'emergency-repair is for when the majority of replicas are unhealthy: it reverts the cluster to a single replica of your choice; the containers of all other replicas are stopped and removed. After repairing, join more replicas. If it fails, try another replica ID; as a last resort restore from a backup.',
      commands: ['emergency-repair', 'join', 'restore'],
      source: REPAIR,
    },
    {
      text: 'For a DTR cluster to be healthy, a majority of its replicas (n/2 + 1) need to be healthy and able to communicate with the others. When quorum is lost, `docker login/pull/push` give internal server error and /_ping of any replica returns the same error.',
      commands: ['emergency-repair'],
      source: REPAIR,
    },
    {
      text: 'Recovery: if the majority of replicas are healthy, remove the unhealthy nodes and join new ones; if the majority are unhealthy, use emergency-repair; if that fails, restore from a backup.',
      commands: ['remove', 'join', 'emergency-repair', 'restore'],
      source: EMERGENCY_REPAIR,
    },
    {
      text: 'restore performs a fresh installation; if restoring after a failure, make sure the old DTR is destroyed fully. It does not restore Docker images. After restoring, use join to add replicas.',
      commands: ['restore', 'destroy'],
      source: RESTORE,
    },
    {
      text: 'restore describes --dtr-storage-volume, --dtr-use-default-storage and --nfs-storage-url each as a "Mandatory flag to allow for DTR to fall back to your configured storage setting at the time of backup".',
      commands: ['restore'],
      source: RESTORE,
    },
    {
      text: 'backup only backs up configurations and image metadata: not users and organizations (backed up by a UCP backup), not the Docker images. It contains sensitive information. `--offline-backup` temporarily shuts down RethinkDB; take the replica out of the load balancer.',
      commands: ['backup'],
      source: BACKUP,
    },
    {
      text: '--async-nfs and --nfs-options need --nfs-storage-url set explicitly; --enable-client-cert-auth needs --client-cert-auth-ca; --log-host goes with --log-protocol tcp or udp.',
      commands: ['install', 'reconfigure'],
      source: INSTALL,
    },
    {
      text: 'reconfigure: DTR is restarted for the new configurations to take effect. To have no down time, configure your DTR for high availability.',
      commands: ['reconfigure'],
      source: RECONFIGURE,
    },
    {
      text: "Don't create a DTR cluster with just two replicas; replicas tolerate failures as 1 → 0, 3 → 1, 5 → 2, 7 → 3. Replicas need to share the same object storage.",
      source: HA,
    },
    {
      text: 'A load balancer must balance TCP on ports 80 and 443, not terminate HTTPS, not buffer requests, forward the Host header, and have no idle timeout or more than 10 minutes; use the unauthenticated /_ping on each replica.',
      source: LOAD_BALANCER,
    },
    {
      text: "Replica IDs: `docker ps --format \"{{.Names}}\" | grep dtr` lists <node>/<component>-<replicaID>; or on a DTR node `docker inspect -f '{{.Name}}' $(docker ps -q -f name=dtr-rethink) | cut -f 3 -d '-'`.",
      source: REPAIR,
    },
  ],
  procedures: [
    {
      name: 'Install DTR (install guide step 3)',
      steps: [
        'docker run -it --rm docker/dtr install --dtr-external-url dtr-example.com --ucp-node <ucp-node-name> --ucp-username admin --ucp-url <ucp-url>',
      ],
      source: INSTALL_GUIDE,
      notes: [
        'Run from any node where docker is installed, e.g. a UCP node over SSH; -it prompts for anything missing.',
      ],
    },
    {
      name: 'Join replicas (set up high availability)',
      steps: [
        'ssh into any node that is already part of UCP',
        'docker run -it --rm docker/dtr:<version> join --ucp-node <ucp-node-name> --ucp-insecure-tls',
        'If you have a load balancer, add this DTR replica to the load balancing pool.',
      ],
      source: HA,
    },
    {
      name: 'Uninstall DTR',
      steps: [
        'For each replica: docker run -it --rm docker/dtr:<version> destroy --ucp-insecure-tls (prompts for UCP URL, credentials, replica)',
      ],
      source: UNINSTALL_GUIDE,
    },
    {
      name: 'Emergency repair',
      steps: [
        'Find the ID of the replica to repair from (see rules).',
        'docker run -it --rm docker/dtr:<version> emergency-repair --ucp-insecure-tls --existing-replica-id <replica-id>',
        'Join more replicas for high availability.',
      ],
      source: REPAIR,
    },
  ],
  undocumented: [
    {
      topic: 'dtr-br network',
      source: null,
      note: 'The stored ee/dtr/architecture.md names only the dtr-ol overlay network; dtr-br is a DTR 2.0 name (datacenter/dtr/2.0/architecture.md).',
    },
    {
      topic: 'etcd',
      source: null,
      note: 'No dtr-etcd-<replica_id> container or volume on 2.7 pages (they are DTR 2.0 names).',
    },
    {
      topic: '/health, /load_balancer_status',
      source: null,
      note: 'Not in the stored 2.7-era pages; they name /_ping, /nginx_status and /api/v0/meta/cluster_status.',
    },
    {
      topic: 'required flags',
      source: null,
      note: 'No 2.7 page marks a flag required; the tool prompts for missing values when run with -it.',
    },
    {
      topic: 'API spec file',
      source: null,
      note: 'reference/dtr/2.7/api/index.html loads "dtr-swagger-2.6.json", which is not stored; the endpoints above come from the spec embedded in reference/dtr/2.7/api/main.js (info.version "2.7.0-29094adc").',
    },
    {
      topic: 'unknown flag / unknown command behaviour',
      source: null,
      note: 'No page says what the tool prints or exits with for an unknown flag or command; see urfave-cli.ts.',
    },
  ],
  pages: [
    { path: INDEX, commit: '44380db14e39eb49d7939376def183f6aed26bb5' },
    { path: INSTALL, commit: '01277a66f5e75091639e2d810f24bb85d51f0632' },
    { path: JOIN, commit: '3b152975a3b2fca3a830fd4282ed6a3499598a94' },
    { path: RECONFIGURE, commit: '4695a8d0208ac752e4efe7ff5d2f3bacd455e4d1' },
    { path: REMOVE, commit: '6129df09639c1d8d88af6b7d6ae68e973715044d' },
    { path: DESTROY, commit: '6129df09639c1d8d88af6b7d6ae68e973715044d' },
    { path: RESTORE, commit: '3f3c58574d1b81976dd2bbf58b802fc8eee95275' },
    { path: BACKUP, commit: '6129df09639c1d8d88af6b7d6ae68e973715044d' },
    { path: UPGRADE, commit: '6129df09639c1d8d88af6b7d6ae68e973715044d' },
    { path: IMAGES, commit: '6129df09639c1d8d88af6b7d6ae68e973715044d' },
    { path: EMERGENCY_REPAIR, commit: '6129df09639c1d8d88af6b7d6ae68e973715044d' },
    {
      path: API,
      commit: '9ec07b82b9c48864b60b14a112eb5b37c8a56943',
      note: 'Swagger spec, info.version "2.7.0-29094adc".',
    },
    { path: API_INDEX, commit: 'd9496e7fa2fa021f7a7e93b6a34f253860ef92fc' },
    { path: ARCHITECTURE, commit: '21b0a91aded4aef5871f0f8f684c639f99d9b9ca', note: 'Unversioned ee/ page.' },
    {
      path: LOAD_BALANCER,
      commit: '019e37bcb0d1298934f3aced008587fa1e65fac4',
      note: 'Unversioned ee/ guide.',
    },
    { path: MONITOR, commit: '67f49c63d2ffe8527000f5a88201e770d2c0e96a', note: 'Unversioned ee/ guide.' },
    {
      path: SYSTEM_REQUIREMENTS,
      commit: '32233d8dd7cd377b19789ce5fa7d69403c0929e7',
      note: 'Unversioned ee/ page.',
    },
    {
      path: INSTALL_GUIDE,
      commit: '01277a66f5e75091639e2d810f24bb85d51f0632',
      note: 'Unversioned ee/ guide; this copy links /reference/dtr/2.7/cli/install/.',
    },
    {
      path: UNINSTALL_GUIDE,
      commit: '44380db14e39eb49d7939376def183f6aed26bb5',
      note: 'Unversioned ee/ guide.',
    },
    { path: HA, commit: '67f49c63d2ffe8527000f5a88201e770d2c0e96a', note: 'Unversioned ee/ guide.' },
    { path: REPAIR, commit: '3b152975a3b2fca3a830fd4282ed6a3499598a94', note: 'Unversioned ee/ guide.' },
  ],
};
