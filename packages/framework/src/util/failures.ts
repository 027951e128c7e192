/**
 * Kinds of failure that a caller may want to tell apart (the CLI turns each into its own exit code,
 * cli/exit-codes.ts): each is an Error whose message says what to do. Anything else that goes wrong
 * is a plain Error: a step of the work failed.
 */
abstract class Failure extends Error {
  constructor(message: string) {
    super(message);
    // The subclass's own name, as Node prints it ("EngineUnreachableError: …").
    this.name = new.target.name;
  }
}

/** The Docker engine cannot be reached: the host's (nothing at DOCKER_HOST or the socket) or a machine's. */
export class EngineUnreachableError extends Failure {}

/** This host cannot run the local lab as it is (platform, rights, a missing tool): the message says what is missing. */
export class HostNotReadyError extends Failure {}

/** What the command was asked about does not exist: a machine, a replica, a cluster, or a cluster record. */
export class NotFoundError extends Failure {}

/** The command line asks for something the command cannot do (a missing argument, a bad combination). */
export class UsageError extends Failure {}
