// RunOptions for tests: the CLI defaults, small and fast, in a temp results folder.
import { tempDir } from './temp.js';
import { resolveRunOptions } from '../../src/cli/options.js';
import type { RunOptions } from '../../src/coordinator/plan.js';
import { labSubscribeMessage } from '../../src/scenarios/lab-subscribe.js';

/** A fresh temp folder for results. */
export function tempResults(): string {
  return tempDir('test');
}

/** The CLI's defaults for `url`, overridden by `over` (profile fields merge). */
export function testRunOptions(url: string, over: Partial<Omit<RunOptions, 'profile'>> & { profile?: Partial<RunOptions['profile']> } = {}): RunOptions {
  const { options } = resolveRunOptions(url, { progress: false }, {}, `test-${process.pid}-${Math.random().toString(16).slice(2, 8)}`);
  const { profile, ...rest } = over;
  return { ...options, outDir: tempResults(), workers: 2, ...rest, profile: { ...options.profile, ...profile } };
}

/**
 * testRunOptions for a lab the test started itself: like the built-in lab, slow and sleepy clients
 * send the lab's subscribe (a foreign server gets nothing unasked, so testRunOptions sends none).
 */
export function labRunOptions(url: string, over: Parameters<typeof testRunOptions>[1] = {}): RunOptions {
  const options = testRunOptions(url, over);
  return { ...options, subscribeMessage: over.subscribeMessage ?? labSubscribeMessage(options.profile.pushRate, options.profile.pushBytes) };
}
