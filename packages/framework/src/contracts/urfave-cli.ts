// What urfave/cli v1 (the Go CLI library whose help text the docker/ucp reference pages echo) prints
// for an unknown flag or command. Read from the urfave/cli tags named below; no docker/docs page says
// which library, or which version of it, docker/ucp or docker/dtr are built with (see README.md).
import type { CliErrorSpec } from './types';

const V1_20 = 'v1.20.0'; // cfb38830724cc34fedffe9a2a29fb54fa9169cd1, 2017-08-10

export const urfaveCliErrors: CliErrorSpec[] = [
  {
    situation: 'a flag the command does not define, after the command name (`install --x`)',
    text: 'Incorrect Usage: flag provided but not defined: -x',
    stream: 'stdout',
    exitCode: null,
    versions: 'v1.19.0 – v1.22.x (v1.14.0 – v1.18.x print only "Incorrect Usage.")',
    sources: [
      {
        repo: 'urfave/cli',
        ref: V1_20,
        path: 'command.go',
        where: 'Command.Run: fmt.Fprintln(context.App.Writer, "Incorrect Usage:", err.Error())',
      },
      {
        repo: 'golang/go',
        ref: '03556efb85432237302e755be5b0c1b7dfe7ab86',
        path: 'src/flag/flag.go',
        where: 'FlagSet.parseOne: f.failf("flag provided but not defined: -%s", name)',
      },
    ],
    notes: [
      'Followed by an empty line and the command help, on App.Writer (os.Stdout unless the program sets it).',
      'The flag is named with one dash whatever the user typed (`--x` and `-x` both give "-x").',
      "Command.Run returns the plain error; urfave/cli v1 does not call HandleExitCoder for it, so the exit status is whatever the program does with the error App.Run returns (an exit 1 is the program's choice, not the library's).",
    ],
  },
  {
    situation: 'a global flag the app does not define, before the command name (`--x install`)',
    text: 'Incorrect Usage. flag provided but not defined: -x',
    stream: 'stdout',
    exitCode: null,
    versions: 'v1.19.0 – v1.22.x (v1.14.0 – v1.18.x print only "Incorrect Usage.")',
    sources: [
      {
        repo: 'urfave/cli',
        ref: V1_20,
        path: 'app.go',
        where: 'App.Run: fmt.Fprintf(a.Writer, "%s %s\\n\\n", "Incorrect Usage.", err.Error())',
      },
    ],
    notes: ['A full stop, not a colon, after "Incorrect Usage" at app level; followed by the app help.'],
  },
  {
    situation: 'an unknown command (`docker/ucp x`)',
    text: "No help topic for 'x'",
    stream: 'stderr',
    exitCode: 3,
    versions: 'v1.17.0 – v1.22.x (v1.14.0 – v1.16.x print it on App.Writer and set no exit status)',
    sources: [
      {
        repo: 'urfave/cli',
        ref: V1_20,
        path: 'help.go',
        where: 'ShowCommandHelp: return NewExitError(fmt.Sprintf("No help topic for \'%v\'", command), 3)',
      },
      {
        repo: 'urfave/cli',
        ref: V1_20,
        path: 'app.go',
        where:
          'App.Run: no command matches, so the default action is helpCommand.Action, then HandleExitCoder(err)',
      },
      {
        repo: 'urfave/cli',
        ref: V1_20,
        path: 'errors.go',
        where: 'HandleExitCoder: fmt.Fprintln(ErrWriter, err); OsExiter(exitErr.ExitCode())',
      },
    ],
    notes: [
      'Only when the app sets no CommandNotFound handler and no Action of its own.',
      'ErrWriter defaults to os.Stderr and OsExiter to os.Exit.',
    ],
  },
];
