// DTR 2.0 (`docker/dtr` image), transcribed from docker/docs `datacenter/dtr/2.0/...`.
// Data only; see README.md for how it was read and what the fields mean.
// DTR 2.0 pages give no environment variables and mark no values: every takesValue below is read
// from the description's wording (valueMarkedOnPage: false throughout).
import type { FlagSpec, ReleaseContract } from './types';

const REF = 'datacenter/dtr/2.0/reference';
const INDEX = `${REF}/index.md`;
const INSTALL = `${REF}/install.md`;
const JOIN = `${REF}/join.md`;
const RECONFIGURE = `${REF}/reconfigure.md`;
const REMOVE = `${REF}/remove.md`;
const RESTORE = `${REF}/restore.md`;
const BACKUP = `${REF}/backup.md`;
const MIGRATE = `${REF}/migrate.md`;
const UPGRADE = `${REF}/upgrade.md`;
const DUMPCERTS = `${REF}/dumpcerts.md`;
const IMAGES = `${REF}/images.md`;
const ARCHITECTURE = 'datacenter/dtr/2.0/architecture.md';
const HA = 'datacenter/dtr/2.0/high-availability/index.md';
const BACKUPS_DR = 'datacenter/dtr/2.0/high-availability/backups-and-disaster-recovery.md';
const SYSTEM_REQUIREMENTS = 'datacenter/dtr/2.0/install/system-requirements.md';
const INSTALL_GUIDE = 'datacenter/dtr/2.0/install/index.md';
const UNINSTALL_GUIDE = 'datacenter/dtr/2.0/install/uninstall.md';
const TROUBLESHOOT = 'datacenter/dtr/2.0/monitor-troubleshoot/troubleshoot.md';
const CONFIGURE_ENGINE = 'datacenter/dtr/2.0/repos-and-images/index.md';

type Flag = Omit<FlagSpec, 'source'>;
const value = { takesValue: true, valueMarkedOnPage: false } as const;
const swtch = { takesValue: false, valueMarkedOnPage: false } as const;

// Each flag's wording is the same on every 2.0 page that lists it; a command adds `source`.
const UCP_URL: Flag = {
  name: '--ucp-url',
  ...value,
  description: 'Specify the UCP controller URL including domain and port',
};
const UCP_USERNAME: Flag = {
  name: '--ucp-username',
  ...value,
  description: 'Specify the UCP admin username',
};
const UCP_PASSWORD: Flag = {
  name: '--ucp-password',
  ...value,
  description: 'Specify the UCP admin password',
};
const DEBUG: Flag = {
  name: '--debug',
  ...swtch,
  description: 'Enable debug mode, provides additional logging',
};
const HUB_USERNAME: Flag = {
  name: '--hub-username',
  ...value,
  description: 'Specify the Docker Hub username for pulling images',
};
const HUB_PASSWORD: Flag = {
  name: '--hub-password',
  ...value,
  description: 'Specify the Docker Hub password for pulling images',
};
const HTTP_PROXY: Flag = {
  name: '--http-proxy',
  ...value,
  description: 'Set the HTTP proxy for outgoing requests',
};
const HTTPS_PROXY: Flag = {
  name: '--https-proxy',
  ...value,
  description: 'Set the HTTPS proxy for outgoing requests',
};
const NO_PROXY: Flag = {
  name: '--no-proxy',
  ...value,
  description: 'Set the list of domains to not proxy to',
};
const REPLICA_HTTP_PORT: Flag = {
  name: '--replica-http-port',
  ...value,
  description: 'Specify the public HTTP port for the DTR replica; 0 means unchanged/default',
  notes: [
    'The page states no port number as the default; 0 means "unchanged/default". The system requirements page has 80 inbound.',
  ],
};
const REPLICA_HTTPS_PORT: Flag = {
  name: '--replica-https-port',
  ...value,
  description: 'Specify the public HTTPS port for the DTR replica; 0 means unchanged/default',
  notes: [
    'The page states no port number as the default; 0 means "unchanged/default". The system requirements page has 443 inbound.',
  ],
};
const LOG_PROTOCOL: Flag = {
  name: '--log-protocol',
  ...value,
  default: 'internal',
  description: 'The protocol for sending container logs: tcp, udp or internal. Default: internal',
};
const LOG_HOST: Flag = {
  name: '--log-host',
  ...value,
  description: 'Endpoint to send logs to, required if --log-protocol is tcp or udp',
};
const LOG_LEVEL: Flag = {
  name: '--log-level',
  ...value,
  default: 'INFO',
  description: 'Log level for container logs. Default: INFO',
};
const DTR_EXTERNAL_URL: Flag = {
  name: '--dtr-external-url',
  ...value,
  description:
    'Specify the external domain name and port for DTR. If using a load balancer, use its external URL instead.',
};
const ETCD_HEARTBEAT_INTERVAL: Flag = {
  name: '--etcd-heartbeat-interval',
  ...value,
  description: "Set etcd's frequency (ms) that its leader will notify followers that it is still the leader.",
};
const ETCD_ELECTION_TIMEOUT: Flag = {
  name: '--etcd-election-timeout',
  ...value,
  description:
    "Set etcd's timeout (ms) for how long a follower node will go without hearing a heartbeat before attempting to become leader itself.",
};
const ETCD_SNAPSHOT_COUNT: Flag = {
  name: '--etcd-snapshot-count',
  ...value,
  description: "Set etcd's number of changes before creating a snapshot.",
};
const UCP_INSECURE_TLS: Flag = {
  name: '--ucp-insecure-tls',
  ...swtch,
  description: 'Disable TLS verification for UCP',
};
const UCP_CA: Flag = {
  name: '--ucp-ca',
  ...value,
  description: 'Use a PEM-encoded TLS CA certificate for UCP',
};
const UCP_NODE: Flag = {
  name: '--ucp-node',
  ...value,
  description: 'Specify the host to install Docker Trusted Registry',
  notes: [
    'datacenter/dtr/2.0/install/index.md: "ucp-node, is the hostname of the UCP node where DTR will be installed".',
  ],
};
const REPLICA_ID: Flag = {
  name: '--replica-id',
  ...value,
  description: 'Specify the replica ID. Must be unique per replica, leave blank for random',
};
const UNSAFE: Flag = {
  name: '--unsafe',
  ...swtch,
  description: 'Enable this flag to skip safety checks when installing or joining',
};
const EXISTING_REPLICA_ID: Flag = {
  name: '--existing-replica-id',
  ...value,
  description: 'ID of an existing replica in a cluster',
};
const EXTRA_ENVS: Flag = {
  name: '--extra-envs',
  ...value,
  description:
    "List of extra environment variables to use for deploying the DTR containers for the replica. This can be used to specify swarm constraints. Separate the environment variables with ampersands (&). You can escape actual ampersands with backslashes (\\). Can't be used in combination with --ucp-node",
};
const CONFIG_ONLY: Flag = {
  name: '--config-only',
  ...swtch,
  description: 'Backup/restore only the configurations of DTR and not the database',
};

export const dtr20: ReleaseContract = {
  product: 'dtr',
  line: '2.0',
  referenceDir: REF,
  image: 'docker/dtr',
  invocation: {
    usage: 'docker run -it --rm docker/dtr \\\n    command [command options]',
    notes: [
      'This tool has commands to install, configure, and backup Docker Trusted Registry (DTR). It also allows uninstalling DTR. By default the tool runs in interactive mode. It prompts you for the values needed.',
      "Additional help is available for each command with the '--help' option.",
      'Unlike docker/ucp, the usage mounts no docker.sock and names no container (migrate alone adds -v /var/run/docker.sock:/var/run/docker.sock); the tool reaches the cluster through --ucp-url.',
      'backup, restore and dumpcerts run with -i instead of -it and stream a tar on stdout/stdin.',
    ],
    source: INDEX,
  },
  globalFlags: [],
  commands: [
    {
      name: 'install',
      description: 'Install Docker Trusted Registry on this Docker Engine',
      usage: 'docker run -it --rm docker/dtr \\\n    install [command options]',
      flagsFrom: 'page',
      source: INSTALL,
      flags: [
        { ...UCP_URL, source: INSTALL },
        { ...UCP_USERNAME, source: INSTALL },
        { ...UCP_PASSWORD, source: INSTALL },
        { ...DEBUG, source: INSTALL },
        { ...HUB_USERNAME, source: INSTALL },
        { ...HUB_PASSWORD, source: INSTALL },
        { ...HTTP_PROXY, source: INSTALL },
        { ...HTTPS_PROXY, source: INSTALL },
        { ...NO_PROXY, source: INSTALL },
        { ...REPLICA_HTTP_PORT, source: INSTALL },
        { ...REPLICA_HTTPS_PORT, source: INSTALL },
        { ...LOG_PROTOCOL, source: INSTALL },
        { ...LOG_HOST, source: INSTALL },
        { ...LOG_LEVEL, source: INSTALL },
        { ...DTR_EXTERNAL_URL, source: INSTALL },
        { ...ETCD_HEARTBEAT_INTERVAL, source: INSTALL },
        { ...ETCD_ELECTION_TIMEOUT, source: INSTALL },
        { ...ETCD_SNAPSHOT_COUNT, source: INSTALL },
        { ...UCP_INSECURE_TLS, source: INSTALL },
        { ...UCP_CA, source: INSTALL },
        { ...UCP_NODE, source: INSTALL },
        { ...REPLICA_ID, source: INSTALL },
        { ...UNSAFE, source: INSTALL },
        { ...EXTRA_ENVS, source: INSTALL },
      ],
      notes: [
        "This command installs DTR on the Docker Engine that runs the command. After installing DTR, you can add more nodes to a DTR cluster with the 'join' command.",
        'No --dtr-ca, --dtr-cert, --dtr-key, --nfs-storage-url or --dtr-storage-volume on this page.',
      ],
    },
    {
      name: 'join',
      description: 'Add a new replica to an existing DTR cluster',
      usage: '$ docker run -it --rm docker/dtr \\\n   join [command options]',
      flagsFrom: 'page',
      source: JOIN,
      flags: [
        { ...UCP_URL, source: JOIN },
        { ...UCP_USERNAME, source: JOIN },
        { ...UCP_PASSWORD, source: JOIN },
        { ...DEBUG, source: JOIN },
        { ...HUB_USERNAME, source: JOIN },
        { ...HUB_PASSWORD, source: JOIN },
        { ...UCP_INSECURE_TLS, source: JOIN },
        { ...UCP_CA, source: JOIN },
        { ...UCP_NODE, source: JOIN },
        { ...REPLICA_ID, source: JOIN },
        { ...UNSAFE, source: JOIN },
        { ...EXISTING_REPLICA_ID, source: JOIN },
        { ...REPLICA_HTTP_PORT, source: JOIN },
        { ...REPLICA_HTTPS_PORT, source: JOIN },
        {
          name: '--skip-network-test',
          ...swtch,
          description: 'Enable this flag to skip the overlay networking test',
          source: JOIN,
        },
        { ...EXTRA_ENVS, source: JOIN },
      ],
      notes: [
        'This command installs DTR on the Docker Engine that runs the command, and joins the new installation to an existing cluster.',
      ],
    },
    {
      name: 'reconfigure',
      description: 'Change DTR configurations',
      usage: 'docker run -it --rm docker/dtr \\\n    reconfigure [command options]',
      flagsFrom: 'page',
      source: RECONFIGURE,
      flags: [
        { ...UCP_URL, source: RECONFIGURE },
        { ...UCP_USERNAME, source: RECONFIGURE },
        { ...UCP_PASSWORD, source: RECONFIGURE },
        { ...DEBUG, source: RECONFIGURE },
        { ...HUB_USERNAME, source: RECONFIGURE },
        { ...HUB_PASSWORD, source: RECONFIGURE },
        { ...HTTP_PROXY, source: RECONFIGURE },
        { ...HTTPS_PROXY, source: RECONFIGURE },
        { ...NO_PROXY, source: RECONFIGURE },
        { ...REPLICA_HTTP_PORT, source: RECONFIGURE },
        { ...REPLICA_HTTPS_PORT, source: RECONFIGURE },
        { ...LOG_PROTOCOL, source: RECONFIGURE },
        { ...LOG_HOST, source: RECONFIGURE },
        { ...LOG_LEVEL, source: RECONFIGURE },
        { ...DTR_EXTERNAL_URL, source: RECONFIGURE },
        { ...ETCD_HEARTBEAT_INTERVAL, source: RECONFIGURE },
        { ...ETCD_ELECTION_TIMEOUT, source: RECONFIGURE },
        { ...ETCD_SNAPSHOT_COUNT, source: RECONFIGURE },
        { ...UCP_INSECURE_TLS, source: RECONFIGURE },
        { ...UCP_CA, source: RECONFIGURE },
        { ...EXISTING_REPLICA_ID, source: RECONFIGURE },
      ],
    },
    {
      name: 'remove',
      description: 'Remove a replica from a DTR cluster',
      usage: 'docker run -it --rm docker/dtr \\\n    remove [command options]',
      flagsFrom: 'page',
      source: REMOVE,
      flags: [
        { ...UCP_URL, source: REMOVE },
        { ...UCP_USERNAME, source: REMOVE },
        { ...UCP_PASSWORD, source: REMOVE },
        { ...DEBUG, source: REMOVE },
        { ...HUB_USERNAME, source: REMOVE },
        { ...HUB_PASSWORD, source: REMOVE },
        { ...UCP_INSECURE_TLS, source: REMOVE },
        { ...UCP_CA, source: REMOVE },
        {
          name: '--force-remove',
          ...swtch,
          description:
            "Force removal of replica even if it can break your cluster's state. Necessary only when --existing-replica-id == --replica-id.",
          source: REMOVE,
        },
        { ...REPLICA_ID, source: REMOVE },
        { ...EXISTING_REPLICA_ID, source: REMOVE },
      ],
      notes: [
        'This command removes a replica from the cluster, stops and removes all DTR containers, and deletes all DTR volumes.',
        'No --ucp-node on this page.',
      ],
    },
    {
      name: 'restore',
      description: 'Create a new DTR cluster from an existing backup',
      usage: 'docker run -i --rm docker/dtr \\\n    restore [command options] < backup.tar',
      flagsFrom: 'page',
      source: RESTORE,
      flags: [
        { ...UCP_URL, source: RESTORE },
        { ...UCP_USERNAME, source: RESTORE },
        { ...UCP_PASSWORD, source: RESTORE },
        { ...DEBUG, source: RESTORE },
        { ...HUB_USERNAME, source: RESTORE },
        { ...HUB_PASSWORD, source: RESTORE },
        { ...HTTP_PROXY, source: RESTORE },
        { ...HTTPS_PROXY, source: RESTORE },
        { ...NO_PROXY, source: RESTORE },
        { ...REPLICA_HTTP_PORT, source: RESTORE },
        { ...REPLICA_HTTPS_PORT, source: RESTORE },
        { ...LOG_PROTOCOL, source: RESTORE },
        { ...LOG_HOST, source: RESTORE },
        { ...LOG_LEVEL, source: RESTORE },
        { ...DTR_EXTERNAL_URL, source: RESTORE },
        { ...ETCD_HEARTBEAT_INTERVAL, source: RESTORE },
        { ...ETCD_ELECTION_TIMEOUT, source: RESTORE },
        { ...ETCD_SNAPSHOT_COUNT, source: RESTORE },
        { ...UCP_INSECURE_TLS, source: RESTORE },
        { ...UCP_CA, source: RESTORE },
        { ...UCP_NODE, source: RESTORE },
        { ...REPLICA_ID, source: RESTORE },
        { ...CONFIG_ONLY, source: RESTORE },
      ],
      notes: [
        "This command performs a fresh installation of DTR, and reconfigures it with configuration data from a tar file generated by the 'backup' command. The command starts by installing DTR, restores the configurations stored on etcd, and then restores the repository metadata stored on RethinkDB.",
      ],
    },
    {
      name: 'backup',
      description: 'Backup a DTR cluster to a tar file and stream it to stdout',
      usage: 'docker run -i --rm docker/dtr \\\n    backup [command options] > backup.tar',
      flagsFrom: 'page',
      source: BACKUP,
      flags: [
        { ...UCP_URL, source: BACKUP },
        { ...UCP_USERNAME, source: BACKUP },
        { ...UCP_PASSWORD, source: BACKUP },
        { ...DEBUG, source: BACKUP },
        { ...HUB_USERNAME, source: BACKUP },
        { ...HUB_PASSWORD, source: BACKUP },
        { ...UCP_INSECURE_TLS, source: BACKUP },
        { ...UCP_CA, source: BACKUP },
        { ...EXISTING_REPLICA_ID, source: BACKUP },
        { ...CONFIG_ONLY, source: BACKUP },
      ],
    },
    {
      name: 'migrate',
      description: 'Migrate configurations, accounts, and repository metadata from DTR 1.4.3 to 2.0',
      usage:
        'docker run -it --rm -v /var/run/docker.sock:/var/run/docker.sock docker/dtr \\\n    migrate [command options]',
      flagsFrom: 'page',
      source: MIGRATE,
      flags: [
        { ...UCP_URL, source: MIGRATE },
        { ...UCP_USERNAME, source: MIGRATE },
        { ...UCP_PASSWORD, source: MIGRATE },
        { ...DEBUG, source: MIGRATE },
        { ...HUB_USERNAME, source: MIGRATE },
        { ...HUB_PASSWORD, source: MIGRATE },
        { ...UCP_INSECURE_TLS, source: MIGRATE },
        { ...UCP_CA, source: MIGRATE },
        {
          name: '--run-full-migration',
          ...swtch,
          description: 'Run full migration procedure instead of dumping configurations',
          source: MIGRATE,
        },
        { ...DTR_EXTERNAL_URL, source: MIGRATE },
        {
          name: '--dtr-insecure-tls',
          ...swtch,
          description: 'Disable TLS verification for DTR',
          source: MIGRATE,
        },
        { name: '--dtr-ca', ...value, description: 'PEM-encoded TLS CA cert for DTR', source: MIGRATE },
        { ...HTTP_PROXY, source: MIGRATE },
        { ...HTTPS_PROXY, source: MIGRATE },
        { ...NO_PROXY, source: MIGRATE },
      ],
      notes: ['The only DTR 2.0 command page with a --dtr-ca flag.'],
    },
    {
      name: 'upgrade',
      description: 'Upgrade a v2.0.0 or later cluster to this version of DTR',
      usage: 'docker run -it --rm docker/dtr \\\n    upgrade [command options]',
      flagsFrom: 'page',
      source: UPGRADE,
      flags: [
        { ...UCP_URL, source: UPGRADE },
        { ...UCP_USERNAME, source: UPGRADE },
        { ...UCP_PASSWORD, source: UPGRADE },
        { ...DEBUG, source: UPGRADE },
        { ...HUB_USERNAME, source: UPGRADE },
        { ...HUB_PASSWORD, source: UPGRADE },
        { ...HTTP_PROXY, source: UPGRADE },
        { ...HTTPS_PROXY, source: UPGRADE },
        { ...NO_PROXY, source: UPGRADE },
        { ...REPLICA_HTTP_PORT, source: UPGRADE },
        { ...REPLICA_HTTPS_PORT, source: UPGRADE },
        { ...LOG_PROTOCOL, source: UPGRADE },
        { ...LOG_HOST, source: UPGRADE },
        { ...LOG_LEVEL, source: UPGRADE },
        { ...DTR_EXTERNAL_URL, source: UPGRADE },
        { ...ETCD_HEARTBEAT_INTERVAL, source: UPGRADE },
        { ...ETCD_ELECTION_TIMEOUT, source: UPGRADE },
        { ...ETCD_SNAPSHOT_COUNT, source: UPGRADE },
        { ...UCP_INSECURE_TLS, source: UPGRADE },
        { ...UCP_CA, source: UPGRADE },
        { ...EXISTING_REPLICA_ID, source: UPGRADE },
      ],
    },
    {
      name: 'dumpcerts',
      description: 'Dump out the TLS certificates used by this DTR instance',
      usage: 'docker run -i --rm docker/dtr \\\n    dumpcerts [command options] > backup.tar',
      flagsFrom: 'page',
      source: DUMPCERTS,
      flags: [
        { ...UCP_URL, source: DUMPCERTS },
        { ...UCP_USERNAME, source: DUMPCERTS },
        { ...UCP_PASSWORD, source: DUMPCERTS },
        { ...DEBUG, source: DUMPCERTS },
        { ...HUB_USERNAME, source: DUMPCERTS },
        { ...HUB_PASSWORD, source: DUMPCERTS },
        { ...UCP_INSECURE_TLS, source: DUMPCERTS },
        { ...UCP_CA, source: DUMPCERTS },
        { ...EXISTING_REPLICA_ID, source: DUMPCERTS },
      ],
      notes: [
        'This command creates a backup of the certificates used by DTR for communicating across replicas with TLS.',
      ],
    },
    {
      name: 'images',
      description: 'Lists all the images necessary to install DTR',
      usage: 'docker run -it --rm docker/dtr \\\n    images [command options]',
      flagsFrom: 'no-options-section',
      flags: [],
      source: IMAGES,
    },
  ],
  endpoints: [
    {
      method: 'GET',
      path: '/load_balancer_status',
      purpose:
        'Use the `/load_balancer_status` endpoint on each DTR replica, to check if the replica is healthy and if it should remain on the load balancing pool or not.',
      source: HA,
    },
    {
      method: 'GET',
      path: '/ca',
      purpose:
        'The DTR CA certificate, which a Docker Engine must trust when DTR uses its default (self-signed) certificates: "curl -k https://<dtr-domain-name>/ca -o /usr/local/share/ca-certificates/<dtr-domain-name>.crt".',
      auth: 'none shown (fetched with curl -k, before DTR is trusted)',
      source: CONFIGURE_ENGINE,
    },
  ],
  names: {
    containers: [
      {
        pattern: 'dtr-nginx-<replica_id>',
        description:
          'Receives http and https requests and proxies them to other DTR components. By default it listens to ports 80 and 443 of the host.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-api-<replica_id>',
        description: 'Executes the DTR business logic. It serves the DTR web application, and API.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-registry-<replica_id>',
        description:
          'Implements the functionality for pulling and pushing Docker images. It also handles how images are stored.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-etcd-<replica_id>',
        description:
          "A key-value store for persisting DTR configuration settings. Don't use it in your applications, since it's for internal use only.",
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-rethinkdb-<replica_id>',
        description:
          "A database for persisting repository metadata. Don't use it in your applications, since it's for internal use only.",
        source: ARCHITECTURE,
      },
    ],
    volumes: [
      {
        pattern: 'dtr-ca-<replica_id>',
        description:
          'The volume where the private keys and certificates are stored so that containers can use TLS to communicate.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-etcd-<replica_id>',
        description: 'The volume used by etcd to persist DTR configurations.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-registry-<replica_id>',
        description:
          'The volume where images are stored, if DTR is configured to store images on the local filesystem.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-rethink-<replica_id>',
        description: 'The volume used by RethinkDB to persist DTR data, like users and repositories.',
        source: ARCHITECTURE,
      },
    ],
    networks: [
      {
        pattern: 'dtr-br',
        driver: 'bridge',
        description: 'Allows containers on the same node to communicate with each other in a secure way.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'dtr-ol',
        driver: 'overlay',
        description:
          'Allows containers running on different nodes to communicate. This network is used in high-availability installations, to allow Etcd and RethinkDB containers to replicate their data.',
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
    {
      port: 443,
      protocol: 'tcp',
      direction: 'out',
      purpose: 'Check if new versions are available, and send anonymous usage reports to Docker.',
      source: SYSTEM_REQUIREMENTS,
    },
  ],
  rules: [
    {
      text: "--extra-envs can't be used in combination with --ucp-node.",
      commands: ['install', 'join'],
      source: INSTALL,
    },
    {
      text: '--log-host is required if --log-protocol is tcp or udp.',
      commands: ['install', 'reconfigure', 'restore', 'upgrade'],
      source: INSTALL,
    },
    {
      text: '--force-remove is necessary only when --existing-replica-id == --replica-id.',
      commands: ['remove'],
      source: REMOVE,
    },
    {
      text: 'To remove a replica safely, you must tell the bootstrapper about one healthy replica using the `--existing-replica-id` flag and the replica to remove with the `--replica-id` flag.',
      commands: ['remove'],
      source: UNINSTALL_GUIDE,
    },
    {
      text: 'To uninstall a DTR cluster you remove all DTR replicas one at a time (with `docker/dtr remove`). The remove command removes the replica from the cluster, stops and removes all DTR containers, and deletes all DTR volumes.',
      commands: ['remove'],
      source: UNINSTALL_GUIDE,
    },
    {
      text: 'To install DTR on a node, that node must be part of a Docker Universal Control Plane 1.1 cluster.',
      commands: ['install', 'join'],
      source: SYSTEM_REQUIREMENTS,
    },
    {
      text: 'Make sure that the node you install DTR on is already joined to the UCP cluster. Each replica must be located on a node already joined to the UCP cluster.',
      commands: ['install', 'join'],
      source: INSTALL_GUIDE,
    },
    {
      text: '--ucp-node is the hostname of the UCP node where DTR will be installed (install) / the node on the ucp cluster where the DTR replica will be installed (join); --ucp-ca is the certificate authority used by UCP, fetched with `curl -k https://$UCP_HOST/ca > ucp-ca.pem` and passed as --ucp-ca "$(cat ucp-ca.pem)".',
      commands: ['install', 'join'],
      source: INSTALL_GUIDE,
    },
    {
      text: 'When you join a replica to a DTR cluster, you need to specify the ID of a replica that is already part of the cluster (--existing-replica-id).',
      commands: ['join'],
      source: INSTALL_GUIDE,
    },
    {
      text: 'To set up a cluster with high-availability, add 3, 5, or 7 nodes to the cluster.',
      commands: ['join'],
      source: JOIN,
    },
    {
      text: "Don't create a DTR cluster with just two replicas. Replicas tolerate failures as 1 → 0, 3 → 1, 5 → 2, 7 → 3.",
      source: HA,
    },
    {
      text: 'A load balancer must balance TCP traffic on ports 80 and 443, not terminate HTTPS, and use `/load_balancer_status` on each replica as the health check. DTR does not provide a load balancing service.',
      source: HA,
    },
    {
      text: 'reconfigure: DTR is restarted for the new configurations to take effect. To have no down time, configure your DTR for high-availability.',
      commands: ['reconfigure'],
      source: RECONFIGURE,
    },
    {
      text: 'backup creates a backup of configurations and image metadata only; it does not back up the Docker images, nor users and organizations (managed by UCP). It contains sensitive information.',
      commands: ['backup'],
      source: BACKUPS_DR,
    },
    {
      text: 'restore performs a fresh installation of DTR and does not restore Docker images; --config-only restores only the configurations stored on etcd. After restoring DTR, you can add more nodes with join.',
      commands: ['restore'],
      source: RESTORE,
    },
    {
      text: 'upgrade upgrades an existing DTR 2.0.0 or later cluster to the current version of this bootstrapper.',
      commands: ['upgrade'],
      source: UPGRADE,
    },
    {
      text: 'High availability in DTR depends on having overlay networking working in UCP; it can be tested with two containers on the dtr-ol network on two UCP machines.',
      source: TROUBLESHOOT,
    },
    {
      text: 'DTR not coming up after a Docker restart is a known issue with Docker restart policies when DTR runs on the same machine as a UCP controller; the best workaround right now is to not run DTR on the same node as a UCP controller.',
      source: TROUBLESHOOT,
    },
    {
      text: "Etcd requires synchronized clocks; 'the clock difference against peer ... is too high' in etcd's logs after a restart means the replicas' clocks are not synchronized.",
      source: TROUBLESHOOT,
    },
    {
      text: 'etcd is reachable on the dtr-br network at https://dtr-etcd-$REPLICA_ID.dtr-br:2379 with the certificates in the dtr-ca-$REPLICA_ID volume (ca/etcd/cert.pem, ca/etcd-client/{key,cert}.pem); the RethinkDB admin UI listens on port 8080 of dtr-rethinkdb-$REPLICA_ID.',
      source: TROUBLESHOOT,
    },
  ],
  procedures: [
    {
      name: 'Install DTR and join replicas (install guide steps 3 and 6)',
      steps: [
        'curl -k https://$UCP_HOST/ca > ucp-ca.pem',
        'docker run -it --rm docker/dtr install --ucp-url $UCP_URL --ucp-node $NODE_HOSTNAME --dtr-external-url $DTR_PUBLIC_IP --ucp-username $USER --ucp-password $PASSWORD --ucp-ca "$(cat ucp-ca.pem)"',
        'For each replica: docker run -it --rm docker/dtr join --ucp-url $UCP_URL --ucp-node $UCP_NODE --existing-replica-id $REPLICA_TO_JOIN --ucp-username $USER --ucp-password $PASSWORD --ucp-ca "$(cat ucp-ca.pem)"',
        "Check in UCP's Applications screen that all replicas are running; install 3, 5, or 7 replicas.",
      ],
      source: INSTALL_GUIDE,
    },
    {
      name: 'Back up and restore (backups and disaster recovery)',
      steps: [
        'docker run -i --rm docker/dtr backup --ucp-url <ucp-url> --ucp-ca "$(cat ucp-ca.pem)" --existing-replica-id <replica-id> --ucp-username <ucp-admin> --ucp-password <ucp-password> > /var/tmp/backup.tar',
        'docker run -i --rm docker/dtr restore --ucp-url <ucp-url> --ucp-ca "$(cat ucp-ca.pem)" --ucp-username <ucp-admin> --ucp-password <ucp-password> --dtr-external-url <dtr-domain-name> < /var/tmp/backup.tar',
      ],
      source: BACKUPS_DR,
    },
  ],
  undocumented: [
    {
      topic: 'destroy',
      source: null,
      note: 'DTR 2.0 has no destroy command: the command table of reference/index.md lists install, join, reconfigure, remove, restore, backup, migrate, upgrade, dumpcerts, images. Uninstalling is remove, replica by replica.',
    },
    {
      topic: 'emergency-repair',
      source: null,
      note: 'Not a DTR 2.0 command (not in the command table of reference/index.md).',
    },
    {
      topic: '--dtr-ca / --dtr-cert / --dtr-key on install, join, reconfigure',
      source: null,
      note: 'Not on the 2.0 install, join or reconfigure pages; only migrate lists --dtr-ca ("PEM-encoded TLS CA cert for DTR").',
    },
    {
      topic: '--http-port / --https-port',
      source: null,
      note: 'No such flags on 2.0 pages; the ports are --replica-http-port and --replica-https-port.',
    },
    {
      topic: 'environment variables',
      source: null,
      note: 'No DTR 2.0 page names an environment variable for any flag.',
    },
    {
      topic: 'required flags',
      source: null,
      note: 'No 2.0 page marks a flag required; the tool "runs in interactive mode" and prompts for the values needed (reference/index.md). The uninstall guide says remove must be told --existing-replica-id and --replica-id.',
    },
    {
      topic: '/_ping, /health, /api/v0/meta/cluster_status',
      source: null,
      note: 'Not in the stored 2.0 pages; the only health endpoint they name is /load_balancer_status.',
    },
    {
      topic: 'HTTP API (/api/v0/repositories ...)',
      source: null,
      note: 'No DTR 2.0 API reference is stored under datacenter/dtr/2.0.',
    },
    {
      topic: 'images output',
      source: null,
      note: 'images.md says only "This command lists all the images necessary to install DTR."; no output format.',
    },
    {
      topic: 'unknown flag / unknown command behaviour',
      source: null,
      note: 'No DTR 2.0 page says what the tool prints or exits with for an unknown flag or command; see urfave-cli.ts.',
    },
  ],
  pages: [
    { path: INDEX, commit: 'caaf78a2bc2d83455554a8bc248910882ed5625c' },
    { path: INSTALL, commit: '2fb67c08f840af9706f98f23b6adb6ca39339869' },
    { path: JOIN, commit: '2fc9ecad1b2ec0610efeb2e21ffb5fd83c89ea10' },
    { path: RECONFIGURE, commit: '912d31715c3a510856acb57934ea3474564a8c7b' },
    { path: REMOVE, commit: '2fb67c08f840af9706f98f23b6adb6ca39339869' },
    { path: RESTORE, commit: '2fc9ecad1b2ec0610efeb2e21ffb5fd83c89ea10' },
    { path: BACKUP, commit: '2fb67c08f840af9706f98f23b6adb6ca39339869' },
    { path: MIGRATE, commit: '2fb67c08f840af9706f98f23b6adb6ca39339869' },
    { path: UPGRADE, commit: '272849d81ee17c31008ca1d399e0fa84a5affbc2' },
    { path: DUMPCERTS, commit: '4036349a4e21f48bc2ea9fc40428fe36bcf86d89' },
    { path: IMAGES, commit: '65aa47347843f09b8c94f23e2dec9bbbdaa15f05' },
    { path: ARCHITECTURE, commit: '1593e6edf4b0714c2a2069689e78e8739ef36ca5' },
    { path: CONFIGURE_ENGINE, commit: '2fb67c08f840af9706f98f23b6adb6ca39339869' },
    { path: HA, commit: '0ad05f6ce8085a48facd61983ad106c8514f26fc' },
    { path: BACKUPS_DR, commit: '1593e6edf4b0714c2a2069689e78e8739ef36ca5' },
    { path: SYSTEM_REQUIREMENTS, commit: '0f439001ce32695f15a70e1964c9a2d52cc33620' },
    { path: INSTALL_GUIDE, commit: '092db523f7902e9ace42e27d4472ada8516f687b' },
    { path: UNINSTALL_GUIDE, commit: '1593e6edf4b0714c2a2069689e78e8739ef36ca5' },
    { path: TROUBLESHOOT, commit: '2ea3d25108f0653cf9ec34ce3349f608d25490f0' },
  ],
};
