// Profiles in PROFILES order, so a client's profile index selects its behaviour.
import type { Profile } from '../client/profile.js';
import { fastProfile } from './fast.js';
import { idleProfile } from './idle.js';
import { sleepyProfile } from './sleepy.js';
import { slowProfile } from './slow.js';
import { stormProfile } from './storm.js';

/** Profile per index of PROFILES (fast, slow, sleepy, storm, idle). */
export const PROFILE_TABLE: readonly Profile<unknown>[] = [fastProfile, slowProfile, sleepyProfile, stormProfile, idleProfile];
