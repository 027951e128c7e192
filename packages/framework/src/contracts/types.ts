// The shape of the per-release contract data: what the reference pages of one product release say
// its installer image accepts, which names it creates, which ports and HTTP endpoints it documents.
// Nothing here is computed; the modules next to this file are transcriptions (see README.md).

/** A path inside the docker/docs GitHub repository, e.g. 'datacenter/dtr/2.0/reference/install.md'. */
export type DocsPath = string;

/** One docker/docs page that was read, and the commit of the stored copy that was read. */
export interface PageRecord {
  path: DocsPath;
  /** The docker/docs commit of the copy that was read (the store holds several versions of some pages). */
  commit: string;
  note?: string;
}

export interface FlagSpec {
  /** As the page prints it, always with two dashes: '--ucp-url'. */
  name: string;
  /** Other spellings the page prints next to the name, as printed ('-D', 'D', 'i', 'yes'). */
  aliases?: string[];
  /** Whether the flag is followed by a value (false: a switch). See valueMarkedOnPage. */
  takesValue: boolean;
  /**
   * True when the page's table itself marks the value (UCP 3.x `*value*`, UCP 1.1 `"443"` or
   * `[--san option --san option]`). False when takesValue is read from the description's wording
   * ("Specify the UCP admin username" takes a value; "Disable TLS verification" is a switch).
   */
  valueMarkedOnPage: boolean;
  /** Set only where a page says the flag must be given. */
  required?: boolean;
  /** The environment variable the page names for it, without the '$' ('UCP_ADMIN_PASSWORD'). */
  env?: string;
  /** The default the page states, verbatim in meaning ('2376', 'missing', 'random'). */
  default?: string;
  /** True where the page shows the flag given more than once (`[--san option --san option]`). */
  repeatable?: boolean;
  /** The page's description, verbatim (typos and run-together sentences included). */
  description: string;
  source: DocsPath;
  notes?: string[];
}

export interface CommandSpec {
  name: string;
  /** The page's one-line summary, verbatim. */
  description: string;
  /** The usage block the page shows, verbatim. Absent where no page was read for the command. */
  usage?: string;
  /**
   * 'page': flags transcribed from the command's own page; 'no-options-section': the page has no
   * options table; 'not-transcribed': listed on the index page only, flags not read.
   */
  flagsFrom: 'page' | 'no-options-section' | 'not-transcribed';
  flags: FlagSpec[];
  source: DocsPath;
  notes?: string[];
}

export interface EndpointSpec {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  purpose: string;
  /** What the page says about authentication, verbatim in meaning. */
  auth?: string;
  source: DocsPath;
  notes?: string[];
}

export interface NameSpec {
  /** As the page prints it, with `<replica_id>` where the page has `&lt;replica_id&gt;`. */
  pattern: string;
  description: string;
  /** Where the page says it exists ('controller', 'all', 'managers', 'workers'...). */
  nodes?: string;
  /** Network driver, where the page states one. */
  driver?: 'bridge' | 'overlay';
  source: DocsPath;
}

export interface PortSpec {
  port: number;
  protocol: 'tcp' | 'udp' | 'tcp+udp';
  /** Host roles the page lists for the port. */
  hosts?: string;
  direction?: 'in' | 'out' | 'in, out';
  /** UCP 3.x pages: External / Internal / Self. */
  scope?: string;
  configurable?: boolean;
  /** The flag that moves it, where the page names one. */
  flag?: string;
  purpose: string;
  source: DocsPath;
}

export interface RuleSpec {
  /** The constraint, quoted or closely paraphrased from the page. */
  text: string;
  /** The commands it concerns, where it is about specific ones. */
  commands?: string[];
  source: DocsPath;
}

/** Something the framework needs to know that the stored pages do not say. */
export interface Undocumented {
  topic: string;
  source: null;
  note: string;
}

export interface ProcedureSpec {
  name: string;
  steps: string[];
  source: DocsPath;
  notes?: string[];
}

export interface ReleaseContract {
  product: 'ucp' | 'dtr';
  /** The release line: '1.1', '2.0', '3.x', '2.7'. */
  line: string;
  /** The pages' reference pages directory, e.g. 'reference/ucp/3.2/cli' for UCP '3.x'. */
  referenceDir: DocsPath;
  image: string;
  /** How the pages say the image is run (container name, socket mount...). */
  invocation: { usage: string; notes: string[]; source: DocsPath };
  /** Flags the tool takes before the command, where a page lists them. */
  globalFlags: FlagSpec[];
  commands: CommandSpec[];
  endpoints: EndpointSpec[];
  names: { containers: NameSpec[]; volumes: NameSpec[]; networks: NameSpec[] };
  ports: PortSpec[];
  rules: RuleSpec[];
  procedures: ProcedureSpec[];
  undocumented: Undocumented[];
  /** Every docker/docs page a `source` above points at, with the commit of the copy read. */
  pages: PageRecord[];
}

/** A source outside docker/docs: a file of a public repository at a tag or commit. */
export interface RepoSource {
  repo: string;
  ref: string;
  path: string;
  /** The function or line the text comes from. */
  where: string;
}

export interface CliErrorSpec {
  situation: string;
  /** What is printed, with `x` standing for what the user typed. */
  text: string;
  stream: 'stdout' | 'stderr';
  /** The exit status the library sets, or null where the library leaves it to the program. */
  exitCode: number | null;
  /** The library versions this holds for. */
  versions: string;
  sources: RepoSource[];
  notes: string[];
}
