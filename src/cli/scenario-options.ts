// --scenario on the command line: load and validate the module before anything connects, and
// turn what it says about the run (url, options, thresholds, TLS) into one option layer that
// sits under --config, env and flags (flags win). A ScenarioError becomes one line, exit 2.
import { SoakstormError } from '../errors.js';
import { loadScenario, type LoadedScenario } from '../scenarios/load.js';
import { ScenarioError } from '../scenarios/validate.js';
import { EXIT } from './exit-codes.js';

/** What a scenario contributes to the run options. */
export interface ScenarioLayer {
  /** Absolute path, handed to every worker. */
  file: string;
  url: string | undefined;
  /** Option key -> value as a user would type it. */
  options: Record<string, string>;
  thresholds: string[];
  hasRequest: boolean;
  tlsInsecure: boolean;
  caPem: string | null;
}

/** Loads the scenario at `path` and returns its option layer; user mistakes throw SoakstormError (exit 2). */
export async function scenarioLayer(path: string): Promise<ScenarioLayer> {
  let loaded: LoadedScenario;
  try {
    loaded = await loadScenario(path);
  } catch (err) {
    if (err instanceof ScenarioError) throw new SoakstormError('ERR_BAD_OPTION', `${err.message}.`.replace(/\.\.$/, '.'), EXIT.USAGE);
    throw err;
  }
  const s = loaded.scenario;
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.options ?? {})) {
    if (v === undefined) continue;
    options[k] = k === 'mix' && typeof v === 'object' ? Object.entries(v).map(([p, pct]) => `${p}=${String(pct)}`).join(',') : String(v);
  }
  // A request/reply pair means replies are how this server answers: measure RTT by them unless told otherwise.
  if (s.request !== undefined && options['rtt'] === undefined) options['rtt'] = 'reply';
  return {
    file: loaded.file,
    url: s.url,
    options,
    thresholds: s.thresholds ?? [],
    hasRequest: s.request !== undefined,
    tlsInsecure: s.tls?.insecure ?? false,
    caPem: loaded.caPem,
  };
}

/** What a run's options get wrong about scenarios: a --scenario nobody loaded, --rtt reply without a request/reply pair. */
export function scenarioProblems(scenario: ScenarioLayer | null, given: unknown, rttMode: string): string[] {
  const problems: string[] = [];
  if (scenario === null && typeof given === 'string' && given !== '') {
    problems.push(`--scenario ${given} was not loaded: "soakstorm run" reads it from the command line or SOAKSTORM_SCENARIO, not from --config, and "soakstorm capacity" does not take one yet. Pass it to soakstorm run.`);
  }
  if (rttMode === 'reply' && scenario?.hasRequest !== true) {
    problems.push(`--rtt reply needs a scenario with a request/reply pair (got ${scenario === null ? 'no --scenario' : `none in ${scenario.file}`}). Add request: { build, replyId } to the scenario, or use --rtt echo.`);
  }
  return problems;
}
