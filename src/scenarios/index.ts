// The package's public entry: what a scenario file imports (`import { defineScenario } from 'soakstorm'`).
export { defineScenario } from './define.js';
export type { FieldSpec, Incoming, Outgoing, PerClient, Scenario, ScenarioClient, ScenarioOptions } from './define.js';
