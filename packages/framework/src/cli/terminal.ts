/**
 * Whether to color what goes to `stream`: only on a terminal, and not with NO_COLOR set (to
 * anything, as no-color.org says) or TERM=dumb; FORCE_COLOR is not ours to honor beyond that.
 */
export function colorsOn(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export type Paint = (text: string) => string;

/** ANSI colors, or none: the same text either way. */
export function palette(on: boolean): { green: Paint; red: Paint; dim: Paint; yellow: Paint } {
  const code = (open: number, close: number): Paint =>
    on ? (t) => `\x1b[${open}m${t}\x1b[${close}m` : (t) => t;
  return { green: code(32, 39), red: code(31, 39), yellow: code(33, 39), dim: code(2, 22) };
}
