/**
 * @module Where a script writes and which environment it reads. Scripts never touch process.stdout or process.env
 * directly, so tests run them in-process with captured output and a controlled environment.
 */

export interface ScriptIo {
  /** Results: dry-run JSON, summaries. */
  stdout(text: string): void;
  /** Progress and errors. */
  stderr(text: string): void;
  /** Environment variables the scripts read (region, flag defaults). The AWS SDK itself still reads process.env. */
  env: Readonly<Record<string, string | undefined>>;
}

/** The real process: stdout, stderr and process.env. */
export const processIo: ScriptIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};
