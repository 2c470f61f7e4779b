// Profile behaviours in PROFILES order, so a client's profile index selects its behaviour.
import type { ProfileBehaviour } from '../drivers/ws-driver.js';
import { fastProfile } from './fast.js';

/** Behaviour per profile index; null where a profile is not implemented for WebSocket yet. */
export const PROFILE_BEHAVIOURS: readonly (ProfileBehaviour | null)[] = [fastProfile, null, null, null];
