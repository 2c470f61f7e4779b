// Where each run option's text comes from: defaults < scenario < --config file < SOAKSTORM_* env < flags.
// Every value remembers its origin so a problem names the flag, variable or config key the user
// must fix; unknown config keys and unknown SOAKSTORM_* variables are all reported, not the first.
import { readFileSync } from 'node:fs';
import { SoakstormError } from '../errors.js';
import { INTERNAL_ENV, RUN_OPTIONS, envName, longFlag, specOf, type OptionSpec } from './run-option-table.js';

/** Raw option values as commander hands them over (strings, string arrays, booleans). */
export type RawOptions = Record<string, string | string[] | boolean | undefined>;

/** One option's text and where it came from. */
export interface RawValue {
  text: string | string[] | boolean | undefined;
  /** 'flag', 'env', 'config' or 'default'. */
  from: 'flag' | 'env' | 'config' | 'scenario' | 'default';
  /** How to name it in a message: --ramp-up, SOAKSTORM_RAMP_UP, config key "rampUp" (file). */
  label: string;
}

const KEYS = RUN_OPTIONS.map((o) => o.key);

/** Looks up raw option texts in precedence order; collects every unknown name as a problem. */
export class OptionSources {
  readonly #flags: RawOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #config: Record<string, unknown>;
  readonly #configPath: string;
  readonly #scenario: Record<string, string> | null;
  readonly #scenarioFile: string;

  constructor(flags: RawOptions, env: NodeJS.ProcessEnv, problems: string[], scenario: { file: string; options: Record<string, string> } | null = null) {
    this.#scenario = scenario?.options ?? null;
    this.#scenarioFile = scenario?.file ?? '';
    this.#flags = flags;
    this.#env = env;
    const path = typeof flags['config'] === 'string' ? flags['config'] : typeof env[envName('config')] === 'string' ? env[envName('config')]! : '';
    this.#configPath = path;
    this.#config = path !== '' ? readConfig(path, problems) : {};
    const known = new Set([...KEYS.map(envName), ...INTERNAL_ENV]);
    for (const name of Object.keys(env).sort()) {
      if (name.startsWith('SOAKSTORM_') && !known.has(name)) {
        problems.push(`unknown environment variable ${name} (a typo?). Known: SOAKSTORM_<OPTION>, e.g. SOAKSTORM_CLIENTS, SOAKSTORM_RAMP_UP; unset it or fix its name.`);
      }
    }
  }

  /** The winning text of `key` and its origin. */
  get(key: string): RawValue {
    const spec: OptionSpec = specOf(key);
    const flag = this.#flags[key];
    // Commander gives a --no-x switch its default (true) even when not typed: only false is the user's.
    const flagGiven = flag !== undefined && !(spec.flags.startsWith('--no-') && flag === true);
    if (flagGiven) return { text: flag, from: 'flag', label: longFlag(key) };
    const env = this.#env[envName(key)];
    if (env !== undefined) return { text: spec.boolean ? parseSwitch(env) : env, from: 'env', label: `${envName(key)} (${longFlag(key)})` };
    const c = this.#config[key];
    if (c !== undefined) {
      const text = Array.isArray(c) ? c.map(String) : typeof c === 'boolean' ? c : spec.boolean ? parseSwitch(String(c)) : String(c);
      return { text, from: 'config', label: `config key "${key}" in ${this.#configPath} (${longFlag(key)})` };
    }
    const sc = this.#scenario?.[key];
    if (sc !== undefined) return { text: spec.boolean ? parseSwitch(sc) : sc, from: 'scenario', label: `scenario option "${key}" in ${this.#scenarioFile} (${longFlag(key)})` };
    return { text: spec.boolean ? (flag ?? false) : spec.default, from: 'default', label: longFlag(key) };
  }

  /** True when the user set `key` anywhere (flag, env or config), not left at its default. */
  given(key: string): boolean {
    return this.get(key).from !== 'default';
  }
}

function parseSwitch(text: string): boolean | string {
  const t = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(t)) return false;
  return text;
}

function readConfig(path: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SoakstormError('ERR_CONFIG_FILE', `cannot read config file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check the path given to --config.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SoakstormError('ERR_CONFIG_FILE', `config file ${path} is not valid JSON (${(err as Error).message}). Fix the file.`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SoakstormError('ERR_CONFIG_FILE', `config file ${path} must hold a JSON object of options (got ${Array.isArray(data) ? 'an array' : typeof data}).`);
  }
  const known = new Set<string>(KEYS);
  for (const k of Object.keys(data)) {
    if (!known.has(k)) problems.push(`config file ${path} has unknown option "${k}". Keys are camelCase flag names, e.g. "clients", "rampUp".`);
  }
  return data as Record<string, unknown>;
}
