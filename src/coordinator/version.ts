// soakstorm's own version, read once from package.json so results files can carry it.
import { readFileSync } from 'node:fs';

/** The version in package.json. */
export const SOAKSTORM_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
