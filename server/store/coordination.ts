/**
 * What every server instance on one database agrees on: the channel on which each hears about
 * every change of plans and zones, and the advisory lock that orders zone changes against plan
 * decisions (shared by decisions, exclusive for zone changes).
 */
export const AIRSPACE_CHANNEL = 'soramichi_airspace';
export const ZONES_LOCK = 0x7a6f6e6573n; // "zones"
/** Revoked token ids, so every instance refuses them at once. */
export const TOKENS_CHANNEL = 'soramichi_tokens';
