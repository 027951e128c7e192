import { spawn } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a local program without a shell; rejects with its stderr's tail when it exits non-zero. */
export async function runCommand(
  file: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; allowFailure?: boolean } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let inputError: Error | undefined;
    // Without a listener, an error on the input pipe is thrown and ends this whole process. EPIPE
    // means the child exited (or closed its stdin) before reading all of it: that is the child's
    // choice, and its exit code says how it went. Any other error means the input may not have
    // arrived, so the run fails once the child has ended, whatever allowFailure says.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') inputError ??= error;
    });
    child.on('error', (error) => reject(new Error(`cannot run ${file}: ${error.message}`)));
    child.on('close', (code) => {
      const result = { stdout, stderr, code: code ?? -1 };
      if (inputError) {
        reject(new Error(`cannot write the input of ${file} ${args.join(' ')}: ${inputError.message}`));
      } else if (result.code !== 0 && !options.allowFailure) {
        const tail = stderr.trim().split('\n').slice(-5).join('\n');
        reject(new Error(`${file} ${args.join(' ')} exited with ${result.code}${tail ? `:\n${tail}` : ''}`));
      } else resolve(result);
    });
    child.stdin.end(options.input ?? '');
  });
}
