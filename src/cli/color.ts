// Whether the text report is coloured: `--color always|never|auto`; auto colours a terminal unless
// NO_COLOR is set or TERM is dumb, and FORCE_COLOR (anything but 0) colours even a pipe.

export type ColorWhen = 'always' | 'never' | 'auto';

/** `--color <when>` or `--no-color` (false) as one value; auto when neither was given. */
export function colorWhen(flag: ColorWhen | boolean | undefined): ColorWhen {
  if (flag === false) return 'never';
  return typeof flag === 'string' ? flag : 'auto';
}

export function colorWanted(when: ColorWhen, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (when !== 'auto') return when === 'always';
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
