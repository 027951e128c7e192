// UCP 3.x (`docker/ucp` image), transcribed from docker/docs `reference/ucp/3.2/cli/...` (the 3.x
// reference paired with DTR 2.7), plus the unversioned `ee/ucp/...` guides and the one 3.0 guide
// that documents joining from the CLI. Data only; see README.md.
import type { FlagSpec, ReleaseContract } from './types';

const REF = 'reference/ucp/3.2/cli';
const INDEX = `${REF}/index.md`;
const INSTALL = `${REF}/install.md`;
const IMAGES = `${REF}/images.md`;
const ID = `${REF}/id.md`;
const UNINSTALL = `${REF}/uninstall-ucp.md`;
const DUMP_CERTS = `${REF}/dump-certs.md`;
const BACKUP = `${REF}/backup.md`;
const RESTORE = `${REF}/restore.md`;
const UPGRADE = `${REF}/upgrade.md`;
const SUPPORT = `${REF}/support.md`;
const STOP = `${REF}/stop.md`;
const RESTART = `${REF}/restart.md`;
const PORT_CHECK = `${REF}/port-check-server.md`;
const EXAMPLE_CONFIG = `${REF}/example-config.md`;
const API = 'reference/ucp/3.2/api/docs.json';
const JOIN_CLI = 'datacenter/ucp/3.0/guides/admin/configure/join-nodes/join-linux-nodes-to-cluster.md';
const JOIN_GUIDE = 'ee/ucp/admin/configure/join-nodes/join-linux-nodes-to-cluster.md';
const LOAD_BALANCER = 'ee/ucp/admin/configure/join-nodes/use-a-load-balancer.md';
const ARCHITECTURE = 'ee/ucp/ucp-architecture.md';
const SYSTEM_REQUIREMENTS = 'ee/ucp/admin/install/system-requirements.md';
const INSTALL_GUIDE = 'ee/ucp/admin/install/index.md';
const UNINSTALL_GUIDE = 'ee/ucp/admin/install/uninstall.md';
const DTR_INSTALL = 'reference/dtr/2.7/cli/install.md';

type Flag = Omit<FlagSpec, 'source'>;
const marked = { takesValue: true, valueMarkedOnPage: true } as const;
const unmarked = { takesValue: true, valueMarkedOnPage: false } as const;
const swtch = { takesValue: false, valueMarkedOnPage: false } as const;

const JSONLOG: Flag = {
  name: '--jsonlog',
  ...swtch,
  description: 'Produce json formatted output for easier parsing',
};
// Printed '--debug, -D' on install and backup, '--debug, D' on the other pages.
const DEBUG_DASH: Flag = { name: '--debug', aliases: ['-D'], ...swtch, description: 'Enable debug mode' };
const DEBUG_BARE: Flag = { name: '--debug', aliases: ['D'], ...swtch, description: 'Enable debug mode' };
const INTERACTIVE_DASH: Flag = {
  name: '--interactive',
  aliases: ['-i'],
  ...swtch,
  description: 'Run in interactive mode and prompt for configuration values',
};
const INTERACTIVE_BARE: Flag = { ...INTERACTIVE_DASH, aliases: ['i'] };

export const ucp3x: ReleaseContract = {
  product: 'ucp',
  line: '3.x',
  referenceDir: REF,
  image: 'docker/ucp',
  invocation: {
    usage:
      'docker container run -it --rm \\\n    --name ucp \\\n    -v /var/run/docker.sock:/var/run/docker.sock \\\n    docker/ucp \\\n    command [command arguments]',
    notes: [
      'The container running this image needs to be named `ucp` and bind-mount the Docker daemon socket.',
      'You can configure the commands using flags or environment variables. When using environment variables, use the `docker container run -e VARIABLE_NAME` syntax to pass the value from your shell, or `docker container run -e VARIABLE_NAME=value` to specify the value explicitly on the command line.',
      'Additional help is available for each command with the `--help` flag.',
      'If you have SELinux policies enabled for your Docker install, you will need to use `docker container run --rm -it --security-opt label=disable ...` (install and backup pages).',
    ],
    source: INDEX,
  },
  globalFlags: [],
  commands: [
    {
      name: 'install',
      description: 'Install UCP on this node',
      usage:
        'docker container run --rm -it \\\n    --name ucp \\\n    -v /var/run/docker.sock:/var/run/docker.sock \\\n    docker/ucp \\\n    install [command options]',
      flagsFrom: 'page',
      source: INSTALL,
      flags: [
        { ...DEBUG_DASH, source: INSTALL },
        { ...JSONLOG, source: INSTALL },
        { ...INTERACTIVE_DASH, source: INSTALL },
        {
          name: '--admin-password',
          ...marked,
          env: 'UCP_ADMIN_PASSWORD',
          description: 'The UCP administrator password [$UCP_ADMIN_PASSWORD]',
          source: INSTALL,
        },
        {
          name: '--admin-username',
          ...marked,
          env: 'UCP_ADMIN_USER',
          description: 'The UCP administrator username [$UCP_ADMIN_USER]',
          source: INSTALL,
        },
        {
          name: '--azure-ip-count',
          ...marked,
          default: '128',
          description:
            'Configure the Number of IP Address to be provisioned for each Azure Virtual Machine (default: "128")',
          source: INSTALL,
        },
        {
          name: '--binpack',
          ...swtch,
          description: 'Set the Docker Swarm scheduler to binpack mode. Used for backwards compatibility',
          source: INSTALL,
        },
        {
          name: '--cloud-provider',
          ...marked,
          description: 'The cloud provider for the cluster',
          source: INSTALL,
        },
        {
          name: '--cni-installer-url',
          ...marked,
          description:
            'A URL pointing to a kubernetes YAML file to be used as an installer for the CNI plugin of the cluster. If specified, the default CNI plugin will not be installed. If the URL is using the HTTPS scheme, no certificate verification will be performed',
          source: INSTALL,
        },
        {
          name: '--controller-port',
          ...marked,
          default: '443',
          description: 'Port for the web UI and API (default: 443)',
          source: INSTALL,
        },
        {
          name: '--data-path-addr',
          ...marked,
          env: 'UCP_DATA_PATH_ADDR',
          description:
            'Address or interface to use for data path traffic. Format: IP address or network interface name [$UCP_DATA_PATH_ADDR]',
          source: INSTALL,
        },
        {
          name: '--disable-tracking',
          ...swtch,
          description: 'Disable anonymous tracking and analytics',
          source: INSTALL,
        },
        {
          name: '--disable-usage',
          ...swtch,
          description: 'Disable anonymous usage reporting',
          source: INSTALL,
        },
        {
          name: '--dns-opt',
          ...marked,
          env: 'DNS_OPT',
          description: 'Set DNS options for the UCP containers [$DNS_OPT]',
          source: INSTALL,
        },
        {
          name: '--dns-search',
          ...marked,
          env: 'DNS_SEARCH',
          description: 'Set custom DNS search domains for the UCP containers [$DNS_SEARCH]',
          source: INSTALL,
        },
        {
          name: '--dns',
          ...marked,
          env: 'DNS',
          description: 'Set custom DNS servers for the UCP containers [$DNS]',
          source: INSTALL,
        },
        {
          name: '--enable-profiling',
          ...swtch,
          description: 'Enable performance profiling',
          source: INSTALL,
        },
        {
          name: '--existing-config',
          ...swtch,
          description:
            'Use the latest existing UCP config during this installation. The install will fail if a config is not found',
          source: INSTALL,
        },
        {
          name: '--external-server-cert',
          ...swtch,
          description: 'Customize the certificates used by the UCP web server',
          source: INSTALL,
        },
        {
          name: '--external-service-lb',
          ...marked,
          description:
            'Set the IP address of the load balancer that published services are expected to be reachable on',
          source: INSTALL,
        },
        {
          name: '--force-insecure-tcp',
          ...swtch,
          description: 'Force install to continue even with unauthenticated Docker Engine ports.',
          source: INSTALL,
        },
        {
          name: '--force-minimums',
          ...swtch,
          description: 'Force the install/upgrade even if the system does not meet the minimum requirements',
          source: INSTALL,
        },
        {
          name: '--host-address',
          ...marked,
          env: 'UCP_HOST_ADDRESS',
          description:
            'The network address to advertise to other nodes. Format: IP address or network interface name [$UCP_HOST_ADDRESS]',
          source: INSTALL,
        },
        {
          name: '--iscsiadm-path',
          ...marked,
          description:
            'Path to the host iscsiadm binary. This option is applicable only when --storage-iscsi is specified',
          source: INSTALL,
          notes: ['Printed `--iscsiadm-path`*value* (no space).'],
        },
        {
          name: '--iscsidb-path',
          ...marked,
          description:
            'Path to the host iscsi DB. This option is applicable only when --storage-iscsi is specified',
          source: INSTALL,
        },
        {
          name: '--kube-apiserver-port',
          ...marked,
          default: '6443',
          description: 'Port for the Kubernetes API server (default: 6443)',
          source: INSTALL,
        },
        {
          name: '--kv-snapshot-count',
          ...marked,
          default: '20000',
          env: 'KV_SNAPSHOT_COUNT',
          description:
            'Number of changes between key-value store snapshots (default: 20000) [$KV_SNAPSHOT_COUNT]',
          source: INSTALL,
        },
        {
          name: '--kv-timeout',
          ...marked,
          default: '5000',
          env: 'KV_TIMEOUT',
          description: 'Timeout in milliseconds for the key-value store (default: 5000) [$KV_TIMEOUT]',
          source: INSTALL,
        },
        {
          name: '--license',
          ...marked,
          env: 'UCP_LICENSE',
          description: 'Add a license: e.g. --license "$(cat license.lic)" [$UCP_LICENSE]',
          source: INSTALL,
        },
        {
          name: '--nodeport-range',
          ...marked,
          default: '32768-35535',
          description:
            'Allowed port range for Kubernetes services of type NodePort (Default: 32768-35535) (default: "32768-35535")',
          source: INSTALL,
        },
        {
          name: '--pod-cidr',
          ...marked,
          default: '192.168.0.0/16',
          description:
            'Kubernetes cluster IP pool for the pods to allocated IP from (Default: 192.168.0.0/16) (default: "192.168.0.0/16")',
          source: INSTALL,
        },
        {
          name: '--preserve-certs',
          ...swtch,
          description: "Don't generate certificates if they already exist",
          source: INSTALL,
        },
        {
          name: '--pull',
          ...marked,
          default: 'missing',
          description: "Pull UCP images: 'always', when 'missing', or 'never' (default: \"missing\")",
          source: INSTALL,
        },
        {
          name: '--random',
          ...swtch,
          description: 'Set the Docker Swarm scheduler to random mode. Used for backwards compatibility',
          source: INSTALL,
        },
        {
          name: '--registry-password',
          ...marked,
          env: 'REGISTRY_PASSWORD',
          description: 'Password to use when pulling images [$REGISTRY_PASSWORD]',
          source: INSTALL,
        },
        {
          name: '--registry-username',
          ...marked,
          env: 'REGISTRY_USERNAME',
          description: 'Username to use when pulling images [$REGISTRY_USERNAME]',
          source: INSTALL,
        },
        {
          name: '--san',
          ...marked,
          repeatable: true,
          env: 'UCP_HOSTNAMES',
          description:
            'Add subject alternative names to certificates (e.g. --san www1.acme.com --san www2.acme.com) [$UCP_HOSTNAMES]',
          source: INSTALL,
        },
        {
          name: '--service-cluster-ip-range',
          ...marked,
          default: '10.96.0.0/16',
          description: 'Kubernetes Cluster IP Range for Services (default: "10.96.0.0/16")',
          source: INSTALL,
        },
        {
          name: '--skip-cloud-provider-check',
          ...swtch,
          description:
            'Disables checks which rely on detecting which (if any) cloud provider the cluster is currently running on',
          source: INSTALL,
        },
        {
          name: '--storage-expt-enabled',
          ...swtch,
          description: 'Flag to enable experimental features in Kubernetes storage',
          source: INSTALL,
        },
        {
          name: '--storage-iscsi',
          ...swtch,
          description: 'Enable ISCSI based Persistent Volumes in Kubernetes',
          source: INSTALL,
        },
        {
          name: '--swarm-experimental',
          ...swtch,
          description: 'Enable Docker Swarm experimental features. Used for backwards compatibility',
          source: INSTALL,
        },
        {
          name: '--swarm-grpc-port',
          ...marked,
          default: '2377',
          description: 'Port for communication between nodes (default: 2377)',
          source: INSTALL,
        },
        {
          name: '--swarm-port',
          ...marked,
          default: '2376',
          description: 'Port for the Docker Swarm manager. Used for backwards compatibility (default: 2376)',
          source: INSTALL,
        },
        {
          name: '--unlock-key',
          ...marked,
          env: 'UNLOCK_KEY',
          description: 'The unlock key for this swarm-mode cluster, if one exists. [$UNLOCK_KEY]',
          source: INSTALL,
        },
        {
          name: '--unmanaged-cni',
          ...swtch,
          description:
            'Flag to indicate if cni provider is calico and managed by UCP (calico is the default CNI provider)',
          source: INSTALL,
        },
      ],
      notes: [
        'This command initializes a new swarm, turns anode into a manager, and installs Docker Universal Control Plane (UCP).',
        'The 3.2 install page lists no --fresh-install (that flag is UCP 1.1).',
      ],
    },
    {
      name: 'images',
      description: 'Verify the UCP images on this node',
      usage:
        'docker container run --rm -it \\\n        --name ucp \\\n        -v /var/run/docker.sock:/var/run/docker.sock \\\n        docker/ucp \\\n        images [command options]',
      flagsFrom: 'page',
      source: IMAGES,
      flags: [
        { ...DEBUG_BARE, source: IMAGES },
        { ...JSONLOG, source: IMAGES },
        {
          name: '--list',
          ...swtch,
          description: "List all images used by UCP but don't pull them",
          source: IMAGES,
        },
        {
          name: '--pull',
          ...marked,
          description: 'Pull UCP images: `always`, when `missing`, or `never`',
          source: IMAGES,
        },
        {
          name: '--registry-password',
          ...marked,
          description: 'Password to use when pulling images',
          source: IMAGES,
        },
        {
          name: '--registry-username',
          ...marked,
          description: 'Username to use when pulling images',
          source: IMAGES,
        },
      ],
      notes: [
        'This command checks the UCP images that are available in this node, and pulls the ones that are missing.',
      ],
    },
    {
      name: 'id',
      description: 'Print the ID of UCP running on this node',
      usage:
        'docker container run --rm \\\n    --name ucp \\\n    -v /var/run/docker.sock:/var/run/docker.sock \\\n    docker/ucp \\\n    id',
      flagsFrom: 'page',
      source: ID,
      flags: [
        { ...DEBUG_BARE, source: ID },
        { ...JSONLOG, source: ID },
      ],
      notes: [
        'This ID matches what you see when running the `docker info` command while using a client bundle. This ID is used by other commands as confirmation.',
      ],
    },
    {
      name: 'uninstall-ucp',
      description: 'Uninstall UCP from this swarm',
      usage:
        'docker container run --rm -it \\\n        --name ucp \\\n        -v /var/run/docker.sock:/var/run/docker.sock \\\n        docker/ucp \\\n        uninstall-ucp [command options]',
      flagsFrom: 'page',
      source: UNINSTALL,
      flags: [
        { ...DEBUG_BARE, source: UNINSTALL },
        {
          name: '--id',
          ...unmarked,
          description: 'The ID of the UCP instance to uninstall',
          source: UNINSTALL,
        },
        { ...INTERACTIVE_BARE, source: UNINSTALL },
        { ...JSONLOG, source: UNINSTALL },
        {
          name: '--pull',
          ...unmarked,
          description: 'Pull UCP images: `always`, when `missing`, or `never`',
          source: UNINSTALL,
        },
        {
          name: '--purge-config',
          ...swtch,
          description: 'Remove UCP configs during uninstallation',
          source: UNINSTALL,
        },
        {
          name: '--registry-username',
          ...unmarked,
          description: 'Username to use when pulling images',
          source: UNINSTALL,
        },
        {
          name: '--registry-password',
          ...unmarked,
          description: 'Password to use when pulling images',
          source: UNINSTALL,
        },
      ],
    },
    {
      name: 'dump-certs',
      description: 'Print the public certificates used by this UCP web server',
      usage:
        'docker container run --rm \\\n    --name ucp \\\n    -v /var/run/docker.sock:/var/run/docker.sock \\\n    docker/ucp \\\n    dump-certs [command options]',
      flagsFrom: 'page',
      source: DUMP_CERTS,
      flags: [
        { ...DEBUG_BARE, source: DUMP_CERTS },
        { ...JSONLOG, source: DUMP_CERTS },
        {
          name: '--ca',
          ...swtch,
          description: 'Only print the contents of the ca.pem file',
          source: DUMP_CERTS,
        },
        {
          name: '--cluster',
          ...swtch,
          description: 'Print the internal UCP swarm root CA and cert instead of the public server cert',
          source: DUMP_CERTS,
        },
      ],
    },
    {
      name: 'backup',
      description: 'Create a backup of a UCP manager node',
      usage:
        'docker container run \\\n    --rm \\\n    --interactive \\\n    --name ucp \\\n    --log-driver none \\\n    --volume /var/run/docker.sock:/var/run/docker.sock \\\n    docker/ucp \\\n    backup [command options] > backup.tar',
      flagsFrom: 'page',
      source: BACKUP,
      flags: [
        { ...DEBUG_DASH, source: BACKUP },
        {
          name: '--file',
          ...marked,
          description: 'Name of the file to write the backup contents to. Ignored in interactive mode',
          source: BACKUP,
        },
        { ...JSONLOG, source: BACKUP },
        {
          name: '--include-logs',
          ...swtch,
          default: 'true',
          description:
            'Only relevant if `--file` is also included. If true, an encrypted `backup.log` file will be stored alongside the `backup.tar` in the mounted directory. Default is `true`.',
          source: BACKUP,
          notes: ['A true/false setting that defaults to true; the page does not show how to turn it off.'],
        },
        { ...INTERACTIVE_DASH, source: BACKUP },
        {
          name: '--no-passphrase',
          ...swtch,
          description: 'Opt out to encrypt the tar file with a passphrase (not recommended)',
          source: BACKUP,
        },
        {
          name: '--passphrase',
          ...marked,
          description: 'Encrypt the tar file with a passphrase',
          source: BACKUP,
        },
      ],
    },
    {
      name: 'restore',
      description: 'Restore a UCP cluster from a backup',
      usage:
        'docker container run --rm -i \\\n        --name ucp \\\n        -v /var/run/docker.sock:/var/run/docker.sock \\\n        docker/ucp \\\n        restore [command options] < backup.tar',
      flagsFrom: 'page',
      source: RESTORE,
      flags: [
        { ...DEBUG_BARE, source: RESTORE },
        { ...JSONLOG, source: RESTORE },
        { ...INTERACTIVE_BARE, source: RESTORE },
        {
          name: '--data-path-addr',
          ...marked,
          description: 'Address or interface to use for data path traffic',
          source: RESTORE,
        },
        {
          name: '--force-minimums',
          ...swtch,
          description: 'Force the install/upgrade even if the system does not meet the minimum requirements',
          source: RESTORE,
        },
        {
          name: '--host-address',
          ...marked,
          description:
            'The network address to advertise to other nodes. Format: IP address or network interface name',
          source: RESTORE,
        },
        {
          name: '--passphrase',
          ...marked,
          description: 'Decrypt the backup tar file with the provided passphrase',
          source: RESTORE,
        },
        {
          name: '--san',
          ...marked,
          repeatable: true,
          description:
            'Add subject alternative names to certificates (e.g. --san www1.acme.com --san www2.acme.com)',
          source: RESTORE,
        },
        {
          name: '--swarm-grpc-port',
          ...marked,
          default: '2377',
          description: 'Port for communication between nodes (default: 2377)',
          source: RESTORE,
        },
        {
          name: '--unlock-key',
          ...marked,
          description: 'The unlock key for this swarm-mode cluster, if one exists.',
          source: RESTORE,
        },
      ],
    },
    {
      name: 'upgrade',
      description: 'Upgrade the UCP cluster',
      usage:
        'docker container run --rm -it \\\n        --name ucp \\\n        -v /var/run/docker.sock:/var/run/docker.sock \\\n        docker/ucp \\\n        upgrade [command options]',
      flagsFrom: 'page',
      source: UPGRADE,
      flags: [
        { ...DEBUG_BARE, source: UPGRADE },
        { ...JSONLOG, source: UPGRADE },
        { ...INTERACTIVE_BARE, source: UPGRADE },
        {
          name: '--admin-password',
          ...marked,
          description: 'The UCP administrator password',
          source: UPGRADE,
        },
        {
          name: '--admin-username',
          ...marked,
          description: 'The UCP administrator username',
          source: UPGRADE,
        },
        {
          name: '--force-minimums',
          ...swtch,
          description: 'Force the install/upgrade even if the system does not meet the minimum requirements',
          source: UPGRADE,
        },
        {
          name: '--host-address',
          ...marked,
          description: 'Override the previously configured host address with this IP or network interface',
          source: UPGRADE,
        },
        { name: '--id', ...unmarked, description: 'The ID of the UCP instance to upgrade', source: UPGRADE },
        {
          name: '--manual-worker-upgrade',
          ...swtch,
          default: 'false',
          description: 'Whether to manually upgrade worker nodes. Defaults to false',
          source: UPGRADE,
        },
        {
          name: '--pull',
          ...unmarked,
          description: 'Pull UCP images: `always`, when `missing`, or `never`',
          source: UPGRADE,
        },
        {
          name: '--registry-password',
          ...marked,
          description: 'Password to use when pulling images',
          source: UPGRADE,
        },
        {
          name: '--registry-username',
          ...marked,
          description: 'Username to use when pulling images',
          source: UPGRADE,
        },
      ],
    },
    {
      name: 'support',
      description: 'Create a support dump for this UCP node',
      usage:
        'docker container run --rm \\\n        --name ucp \\\n        -v /var/run/docker.sock:/var/run/docker.sock \\\n        docker/ucp \\\n        support [command options] > docker-support.tgz',
      flagsFrom: 'page',
      source: SUPPORT,
      flags: [
        {
          name: '--loglines',
          ...unmarked,
          default: '10,000',
          description: 'Specify number of lines to grab from `journalctl`. The default is 10,000 lines.',
          source: SUPPORT,
        },
        {
          name: '--nodes',
          ...unmarked,
          description:
            'Select specific nodes on which to produce a support dump. Comma-separated node IDs are allowed. The default selects all nodes.',
          source: SUPPORT,
        },
        {
          name: '--servicedriller',
          ...swtch,
          description:
            'Run the swarm service driller (ssd) tool. For more information on this tool, see [Docker Swarm Service Driller (ssd)](https://github.com/docker/libnetwork/tree/master/cmd/ssd) Not run by default.',
          source: SUPPORT,
        },
      ],
    },
    {
      name: 'stop',
      description: 'Stop UCP components running on this node',
      usage:
        'docker container run --rm -it \\\n        --name ucp \\\n        -v /var/run/docker.sock:/var/run/docker.sock \\\n        docker/ucp \\\n        stop [command options]',
      flagsFrom: 'page',
      source: STOP,
      flags: [
        { ...DEBUG_BARE, source: STOP },
        { ...JSONLOG, source: STOP },
      ],
    },
    {
      name: 'restart',
      description: 'Start or restart UCP components running on this node',
      usage:
        'docker container run --rm -it \\\n        --name ucp \\\n        -v /var/run/docker.sock:/var/run/docker.sock \\\n        docker/ucp \\\n        restart [command options]',
      flagsFrom: 'page',
      source: RESTART,
      flags: [
        { ...DEBUG_BARE, source: RESTART },
        { ...JSONLOG, source: RESTART },
      ],
    },
    {
      name: 'port-check-server',
      description: 'Checks the ports on a node before a UCP installation',
      usage:
        'docker run --rm -it \\\n     -v /var/run/docker.sock:/var/run/docker.sock \\\n     docker/ucp \\\n     port-check-server [command options]',
      flagsFrom: 'page',
      source: PORT_CHECK,
      flags: [
        {
          name: '--listen-address',
          aliases: ['-l'],
          ...marked,
          default: ':2376',
          description: 'Listen Address (default: ":2376")',
          source: PORT_CHECK,
        },
      ],
      notes: ['The usage on this page does not name the container `ucp`.'],
    },
    {
      name: 'example-config',
      description: 'Display an example configuration file for UCP',
      usage:
        'docker container run --rm -i \\\n    --name ucp \\\n    -v /var/run/docker.sock:/var/run/docker.sock \\\n    docker/ucp \\\n    example-config',
      flagsFrom: 'no-options-section',
      flags: [],
      source: EXAMPLE_CONFIG,
    },
    {
      name: 'help',
      description: 'Shows a list of commands or help for one command',
      flagsFrom: 'not-transcribed',
      flags: [],
      source: INDEX,
      notes: ['Listed in the command table of the index page; there is no help page.'],
    },
  ],
  endpoints: [
    {
      method: 'GET',
      path: '/_ping',
      purpose:
        "Check the health of a UCP manager. The UCP manager validates that all of its internal components are working, and it returns either 200, if all components are healthy, or 500, if any aren't healthy.",
      source: API,
      notes: [
        "If you're accessing the `_ping` endpoint through a load balancer, you have no way of knowing which UCP manager node isn't healthy; connect directly to the URL of a manager node.",
        'ee/ucp/admin/configure/join-nodes/use-a-load-balancer.md: use the `/_ping` endpoint on each manager node as the load-balancer health check.',
      ],
    },
    {
      method: 'GET',
      path: '/ca',
      purpose:
        'The UCP TLS CA certificate: "Download the UCP TLS CA certificate from `https://<ucp-url>/ca`" (for DTR\'s --ucp-ca).',
      source: DTR_INSTALL,
    },
  ],
  names: {
    containers: [
      {
        pattern: 'k8s_calico-kube-controllers',
        nodes: 'managers',
        description:
          'A cluster-scoped Kubernetes controller used to coordinate Calico networking. Runs on one manager node only.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_calico-node',
        nodes: 'managers, workers',
        description:
          'The Calico node agent, which coordinates networking fabric according to the cluster-wide Calico configuration. Part of the `calico-node` daemonset. Runs on all nodes.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_install-cni_calico-node',
        nodes: 'managers, workers',
        description:
          "A container that's responsible for installing the Calico CNI plugin binaries and configuration on each host. Part of the `calico-node` daemonset. Runs on all nodes.",
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_POD_calico-node',
        nodes: 'managers, workers',
        description: 'Pause container for the `calico-node` pod.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_POD_calico-kube-controllers',
        nodes: 'managers',
        description: 'Pause container for the `calico-kube-controllers` pod.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_POD_compose',
        nodes: 'managers',
        description: 'Pause container for the `compose` pod.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_POD_kube-dns',
        nodes: 'managers',
        description: 'Pause container for the `kube-dns` pod.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_ucp-dnsmasq-nanny',
        nodes: 'managers',
        description:
          'A dnsmasq instance used in the Kubernetes DNS Service. Part of the `kube-dns` deployment. Runs on one manager node only.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_ucp-kube-compose',
        nodes: 'managers',
        description:
          "A custom Kubernetes resource component that's responsible for translating Compose files into Kubernetes constructs. Part of the `compose` deployment. Runs on one manager node only.",
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_ucp-kube-dns',
        nodes: 'managers',
        description:
          'The main Kubernetes DNS Service, used by pods to resolve service names. Part of the `kube-dns` deployment. Runs on one manager node only. Provides service discovery for Kubernetes services and pods. A set of three containers deployed via Kubernetes as a single pod.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'k8s_ucp-kubedns-sidecar',
        nodes: 'managers',
        description:
          'Health checking and metrics daemon of the Kubernetes DNS Service. Part of the `kube-dns` deployment. Runs on one manager node only.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-agent',
        nodes: 'managers, workers',
        description: 'Monitors the node and ensures the right UCP services are running.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-api',
        nodes: 'managers',
        description: 'The centralized service for identity and authentication used by UCP and DTR.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-store',
        nodes: 'managers',
        description: 'Stores authentication configurations and data for users, organizations, and teams.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-worker',
        nodes: 'managers',
        description:
          'Performs scheduled LDAP synchronizations and cleans authentication and authorization data.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-client-root-ca',
        nodes: 'managers',
        description: 'A certificate authority to sign client bundles.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-cluster-root-ca',
        nodes: 'managers',
        description: 'A certificate authority used for TLS communication between UCP components.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-controller',
        nodes: 'managers',
        description: 'The UCP web server.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-dsinfo',
        nodes: 'managers, workers',
        description: 'Docker system information collection script to assist with troubleshooting.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-interlock',
        nodes: 'managers',
        description:
          'Monitors swarm workloads configured to use Layer 7 routing. Only runs when you enable Layer 7 routing.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-interlock-extension',
        nodes: 'workers',
        description:
          'Helper service that reconfigures the ucp-interlock-proxy service based on the swarm workloads that are running.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-interlock-proxy',
        nodes: 'managers, workers',
        description:
          'A service that provides load balancing and proxying for swarm workloads. Only runs when you enable Layer 7 routing.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kube-apiserver',
        nodes: 'managers',
        description:
          'A master component that serves the Kubernetes API. It persists its state in `etcd` directly, and all other components communicate with API server directly.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kube-controller-manager',
        nodes: 'managers',
        description:
          'A master component that manages the desired state of controllers and other Kubernetes objects. It monitors the API server and performs background tasks when needed.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kubelet',
        nodes: 'managers, workers',
        description:
          'The Kubernetes node agent running on every node, which is responsible for running Kubernetes pods, reporting the health of the node, and monitoring resource usage.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kube-proxy',
        nodes: 'managers, workers',
        description:
          'The networking proxy running on every node, which enables pods to contact Kubernetes services and other pods, via cluster IP addresses.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kube-scheduler',
        nodes: 'managers',
        description:
          'A master component that handles scheduling of pods. It communicates with the API server only to obtain workloads that need to be scheduled.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kv',
        nodes: 'managers',
        description:
          "Used to store the UCP configurations. Don't use it in your applications, since it's for internal use only. Also used by Kubernetes components.",
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-metrics',
        nodes: 'managers',
        description: 'Used to collect and process metrics for a node, like the disk space available.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-proxy',
        nodes: 'managers, workers',
        description: 'A TLS proxy. It allows secure access to the local Docker Engine to UCP components.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-reconcile',
        nodes: 'managers, workers',
        description:
          'When ucp-agent detects that the node is not running the right UCP components, it starts the ucp-reconcile container to converge the node to its desired state. It is expected for the ucp-reconcile container to remain in an exited state when the node is healthy.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-swarm-manager',
        nodes: 'managers',
        description: 'Used to provide backwards-compatibility with Docker Swarm.',
        source: ARCHITECTURE,
      },
    ],
    volumes: [
      {
        pattern: 'ucp-auth-api-certs',
        nodes: 'all nodes where it runs',
        description: 'Certificate and keys for the authentication and authorization service',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-store-certs',
        nodes: 'all nodes where it runs',
        description: 'Certificate and keys for the authentication and authorization store',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-store-data',
        nodes: 'all nodes where it runs',
        description: 'Data of the authentication and authorization store, replicated across managers',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-worker-certs',
        nodes: 'all nodes where it runs',
        description: 'Certificate and keys for authentication worker',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-worker-data',
        nodes: 'all nodes where it runs',
        description: 'Data of the authentication worker',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-client-root-ca',
        nodes: 'all nodes where it runs',
        description: 'Root key material for the UCP root CA that issues client certificates',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-cluster-root-ca',
        nodes: 'all nodes where it runs',
        description: 'Root key material for the UCP root CA that issues certificates for swarm members',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-controller-client-certs',
        nodes: 'all nodes where it runs',
        description:
          'Certificate and keys used by the UCP web server to communicate with other UCP components',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-controller-server-certs',
        nodes: 'all nodes where it runs',
        description: 'Certificate and keys for the UCP web server running in the node',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kv',
        nodes: 'all nodes where it runs',
        description: 'UCP configuration data, replicated across managers',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kv-certs',
        nodes: 'all nodes where it runs',
        description: 'Certificates and keys for the key-value store',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-metrics-data',
        nodes: 'all nodes where it runs',
        description: 'Monitoring data gathered by UCP',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-metrics-inventory',
        nodes: 'all nodes where it runs',
        description: 'Configuration file used by the ucp-metrics service',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-node-certs',
        nodes: 'all nodes where it runs',
        description: 'Certificate and keys for node communication',
        source: ARCHITECTURE,
      },
    ],
    networks: [],
  },
  ports: [
    {
      port: 179,
      protocol: 'tcp',
      hosts: 'managers, workers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for BGP peers, used for Kubernetes networking',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 443,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'External, Internal',
      configurable: true,
      flag: '--controller-port',
      purpose: 'Port for the UCP web UI and API',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 2376,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      configurable: true,
      flag: '--swarm-port',
      purpose: 'Port for the Docker Swarm manager. Used for backwards compatibility',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 2377,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      configurable: true,
      flag: '--swarm-grpc-port',
      purpose: 'Port for control communication between swarm nodes',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 4789,
      protocol: 'udp',
      hosts: 'managers, workers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for overlay networking',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 6443,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'External, Internal',
      configurable: true,
      flag: '--kube-apiserver-port',
      purpose: 'Port for Kubernetes API server endpoint',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 6444,
      protocol: 'tcp',
      hosts: 'managers, workers',
      direction: 'in',
      scope: 'Self',
      purpose: 'Port for Kubernetes API reverse proxy',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 7946,
      protocol: 'tcp+udp',
      hosts: 'managers, workers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for gossip-based clustering',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 9099,
      protocol: 'tcp',
      hosts: 'managers, workers',
      direction: 'in',
      scope: 'Self',
      purpose: 'Port for calico health check',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 10250,
      protocol: 'tcp',
      hosts: 'managers, workers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for Kubelet',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12376,
      protocol: 'tcp',
      hosts: 'managers, workers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for a TLS authentication proxy that provides access to the Docker Engine',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12378,
      protocol: 'tcp',
      hosts: 'managers, workers',
      direction: 'in',
      scope: 'Self',
      purpose: 'Port for Etcd reverse proxy',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12379,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for Etcd Control API',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12380,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for Etcd Peer API',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12381,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for the UCP cluster certificate authority',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12382,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for the UCP client certificate authority',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12383,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for the authentication storage backend',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12384,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for the authentication storage backend for replication across managers',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12385,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for the authentication service API',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12386,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Port for the authentication worker',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12388,
      protocol: 'tcp',
      hosts: 'managers',
      direction: 'in',
      scope: 'Internal',
      purpose: 'Internal Port for the Kubernetes API Server',
      source: SYSTEM_REQUIREMENTS,
    },
  ],
  rules: [
    {
      text: 'The container running this image needs to be named `ucp` and bind-mount the Docker daemon socket.',
      source: INDEX,
    },
    {
      text: 'install initializes a new swarm, turns the node into a manager, and installs UCP. To customize the web server certificates, create a volume named `ucp-controller-server-certs` with `ca.pem`, `cert.pem`, and `key.pem` in its root, then run install with `--external-server-cert`.',
      commands: ['install'],
      source: INSTALL,
    },
    {
      text: 'A license is given by bind-mounting it at `/config/docker_subscription.lic` in the tool, or with `--license $(cat license.lic)`.',
      commands: ['install'],
      source: INSTALL,
    },
    {
      text: "If you're joining more nodes to this swarm, open: 443 or the `--controller-port`; 2376 or the `--swarm-port`; 12376, 12379, 12380, 12381, 12382, 12383, 12384, 12385, 12386, 12387; 4789 (udp) and 7946 (tcp/udp) for overlay networking.",
      commands: ['install'],
      source: INSTALL,
    },
    {
      text: 'To create backups of a multi-node cluster, you only need to back up a single manager node. The restore operation will reconstitute a new UCP installation from the backup of any previous manager.',
      commands: ['backup', 'restore'],
      source: BACKUP,
    },
    {
      text: "backup: use `--passphrase` to encrypt the backup or `--no-passphrase` to opt out (not recommended). With `--file`, the path must be bind mounted onto the container and be relative to the container's file tree.",
      commands: ['backup'],
      source: BACKUP,
    },
    {
      text: 'restore can be performed on any manager node of an existing cluster; if the current node does not belong in a cluster, one is initialized using `--host-address`. When restoring on an existing swarm-mode cluster, no previous UCP components must be running on any node: run `uninstall-ucp` first.',
      commands: ['restore', 'uninstall-ucp'],
      source: RESTORE,
    },
    {
      text: 'restore reads the backup from stdin by default; alternatively bind-mount it under `/config/backup.tar` and run restore with `--interactive`. Restoring on a different cluster does not restore the old Cluster Root CA and invalidates admin client bundles.',
      commands: ['restore'],
      source: RESTORE,
    },
    {
      text: 'If your swarm-mode cluster has lost quorum and the original set of managers are not recoverable, you can attempt to recover a single-manager cluster with `docker swarm init --force-new-cluster`.',
      commands: ['restore'],
      source: RESTORE,
    },
    {
      text: 'uninstall-ucp uninstalls UCP from the swarm but preserves the swarm. Run it once, on a manager node; it removes UCP from all nodes. Afterwards nodes cannot join the swarm unless UCP is installed again. The UCP configuration is kept unless `--purge-config` is given.',
      commands: ['uninstall-ucp'],
      source: UNINSTALL_GUIDE,
    },
    {
      text: 'If uninstall-ucp fails: `docker service rm $(docker service ls -f name=ucp- -q)` on one manager; `docker container rm -f $(docker container ps -a -f name=ucp- -f name=k8s_ -q)` and `docker volume rm $(docker volume ls -f name=ucp -q)` on each manager.',
      commands: ['uninstall-ucp'],
      source: UNINSTALL_GUIDE,
    },
    {
      text: 'Calico changes the host IP tables and uninstall does not revert them; restart the node to restore its IP tables.',
      commands: ['uninstall-ucp'],
      source: UNINSTALL_GUIDE,
    },
    {
      text: 'Before performing an upgrade, you should perform a backup by using the backup command.',
      commands: ['upgrade', 'backup'],
      source: UPGRADE,
    },
    {
      text: 'When integrating UCP and DTR, use dump-certs with the `--cluster --ca` flags to configure DTR.',
      commands: ['dump-certs'],
      source: DUMP_CERTS,
    },
    {
      text: 'A load balancer for UCP must balance TCP traffic on ports 443 and 6443, not terminate HTTPS connections, and use `/_ping` on each manager node as its health check.',
      source: LOAD_BALANCER,
    },
    {
      text: 'By default, both UCP and DTR use port 443; a load balancer for both must distinguish them by IP address or port number.',
      source: LOAD_BALANCER,
    },
    {
      text: 'Nodes join the cluster with `docker swarm join`; only Linux nodes can be managers. When deploying Docker Trusted Registry in your cluster, you deploy it to a worker node.',
      source: JOIN_GUIDE,
    },
    {
      text: 'To remove a manager, make sure all nodes are healthy, demote it to a worker, then remove it. A worker must have been shut down or have left the swarm (`docker swarm leave`) before removal.',
      source: JOIN_GUIDE,
    },
    {
      text: 'Docker does not support workloads other than those required for UCP on UCP manager nodes.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      text: 'UCP exposes the full Docker Engine API, in the same IP addresses and domain names used for the web UI.',
      source: API,
    },
  ],
  procedures: [
    {
      name: 'Install UCP (install guide step 4)',
      steps: [
        'docker image pull docker/ucp:<version>',
        'docker container run --rm -it --name ucp -v /var/run/docker.sock:/var/run/docker.sock docker/ucp:<version> install --host-address <node-ip-address> --interactive',
      ],
      source: INSTALL_GUIDE,
      notes: ['The guide writes the image as {{ page.ucp_org }}/{{ page.ucp_repo }}:{{ page.ucp_version }}.'],
    },
    {
      name: 'Join nodes from the CLI',
      steps: [
        'On a manager node: `docker swarm join-token worker` (or `docker swarm join-token manager` for a manager).',
        'On the joining node: `docker swarm join --token SWMTKN-1-... [--listen-addr <address>] <manager-ip>:2377`',
        'On a manager: `docker node ls` to see the node.',
      ],
      source: JOIN_CLI,
      notes: [
        'This is the UCP 3.0 guide (datacenter/ucp/3.0); the stored ee/ucp join guide describes only the web UI (Nodes > Add Node, copy the displayed `docker swarm join` command).',
      ],
    },
    {
      name: 'Join nodes from the web UI (install guide steps 6–7)',
      steps: [
        'In the UCP web UI, Nodes > Add Node; check "Add node as a manager" for a manager.',
        'Optionally a custom listen address (`interface:port` or `ip:port`, default `0.0.0.0:2377`) and advertise address.',
        'Copy the `docker swarm join` command and run it over ssh on each node to join.',
      ],
      source: INSTALL_GUIDE,
    },
  ],
  undocumented: [
    {
      topic: 'join command',
      source: null,
      note: 'docker/ucp 3.x has no join command (not in the command table of reference/ucp/3.2/cli/index.md); nodes join with `docker swarm join`.',
    },
    {
      topic: 'join token through the UCP API (GET /swarm)',
      source: null,
      note: 'No stored page documents reading the swarm join tokens through UCP (e.g. GET /swarm → JoinTokens). The pages give `docker swarm join-token worker|manager` on a manager, or the web UI; the 3.2 API reference says only that UCP exposes the full Docker Engine API.',
    },
    {
      topic: 'fingerprint, engine-discovery, regen-certs, --fresh-install',
      source: null,
      note: 'UCP 1.1 commands and flag absent from the 3.2 command table and install page.',
    },
    {
      topic: 'networks',
      source: null,
      note: 'ee/ucp/ucp-architecture.md lists containers, volumes and configs, no networks.',
    },
    {
      topic: 'required flags',
      source: null,
      note: 'No 3.2 page marks a flag required.',
    },
    {
      topic: 'other 3.x minors',
      source: null,
      note: 'reference/ucp/3.0/cli and reference/ucp/3.1/cli are stored only in part and were not transcribed; flags may differ from 3.2.',
    },
    {
      topic: 'unknown flag / unknown command behaviour',
      source: null,
      note: 'No page says what the tool prints or exits with for an unknown flag or command; see urfave-cli.ts.',
    },
  ],
  pages: [
    { path: INDEX, commit: '0cbcd1c7052915e3c647b618dc7d2f9dd6649b3b' },
    { path: INSTALL, commit: '03d813536906a17b8b38f8b9ba0e259752d40da9' },
    { path: IMAGES, commit: '3b152975a3b2fca3a830fd4282ed6a3499598a94' },
    { path: ID, commit: '3b152975a3b2fca3a830fd4282ed6a3499598a94' },
    { path: UNINSTALL, commit: '768c057a11163ecbc6b8b96408febcf3539f124d' },
    { path: DUMP_CERTS, commit: '2f2e541380e4535ba6dd8153af25a8ad5ecb3782' },
    { path: BACKUP, commit: '0cbcd1c7052915e3c647b618dc7d2f9dd6649b3b' },
    { path: RESTORE, commit: '1dbd52d2be426dee80df8e7cf2a45f3ffef99fe8' },
    { path: UPGRADE, commit: '0cbcd1c7052915e3c647b618dc7d2f9dd6649b3b' },
    { path: SUPPORT, commit: '27a4a9c7486fd6eca32f457f1a335f2b3e4c8d6f' },
    { path: STOP, commit: '3f3c58574d1b81976dd2bbf58b802fc8eee95275' },
    { path: RESTART, commit: '768c057a11163ecbc6b8b96408febcf3539f124d' },
    { path: PORT_CHECK, commit: '76efa33ee6393b65aa8498e000ae6340e0e5cad8' },
    { path: EXAMPLE_CONFIG, commit: '768c057a11163ecbc6b8b96408febcf3539f124d' },
    { path: API, commit: '01277a66f5e75091639e2d810f24bb85d51f0632', note: 'Swagger, info.version "1.39".' },
    { path: JOIN_CLI, commit: '9d0682e8db16002c76d12bc41887f2d8a241e8f0', note: 'A UCP 3.0 guide.' },
    { path: JOIN_GUIDE, commit: '0edab906105091f8c3b83adb0e40005b166b55b2', note: 'Unversioned ee/ guide.' },
    {
      path: LOAD_BALANCER,
      commit: '158fb03b0b7f30b960317a408a7b0ee0cfef0c73',
      note: 'Unversioned ee/ guide.',
    },
    {
      path: ARCHITECTURE,
      commit: '0ca6c64b3c2a11fe0f9efd286a8d483ab9de885f',
      note: 'Unversioned ee/ page; this copy names Calico v3.2.3 and Kubernetes v1.11.5 (the UCP 3.1 components).',
    },
    {
      path: SYSTEM_REQUIREMENTS,
      commit: '03a6e01a7c192747b76c106a0f6a8fd69bf083bd',
      note: 'Unversioned ee/ page.',
    },
    {
      path: INSTALL_GUIDE,
      commit: '01277a66f5e75091639e2d810f24bb85d51f0632',
      note: 'Unversioned ee/ guide.',
    },
    {
      path: UNINSTALL_GUIDE,
      commit: '1099aa6d09e94a979ad356f9ef29fae41d9f34a0',
      note: 'Unversioned ee/ guide.',
    },
    {
      path: DTR_INSTALL,
      commit: '01277a66f5e75091639e2d810f24bb85d51f0632',
      note: 'A DTR 2.7 page; the source of /ca.',
    },
  ],
};
