// Profile behaviours in PROFILES order, so a client's profile index selects its behaviour.
import type { ProfileBehaviour } from './behaviour.js';
import { fastProfile } from './fast.js';
import { slowProfile } from './slow.js';
import { sleepyProfile } from './mobile-sleeping.js';
import { stormProfile } from './reconnect-storm.js';

/** Behaviour per profile index (fast, slow, sleepy, storm). */
export const PROFILE_BEHAVIOURS: readonly ProfileBehaviour[] = [fastProfile, slowProfile, sleepyProfile, stormProfile];
