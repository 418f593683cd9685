/**
 * What every server instance on one database agrees on: the channel on which each hears about
 * every change of plans and zones, and the advisory lock that orders zone changes against plan
 * decisions (shared by decisions, exclusive for zone changes).
 */
export const AIRSPACE_CHANNEL = 'soramichi_airspace';
export const ZONES_LOCK = 0x7a6f6e6573n; // "zones"
/** Revoked token ids, so every instance refuses them at once. */
export const TOKENS_CHANNEL = 'soramichi_tokens';
/**
 * The first key of the two-key advisory locks that serialise one operator's decisions while its
 * cap is checked (the second is a hash of the operator); two-key locks never meet the one-key
 * locks of the stripes and zones.
 */
export const OPERATOR_LOCK_CLASS = 0x63617073; // "caps"
