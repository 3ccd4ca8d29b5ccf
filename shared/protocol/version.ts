// Bump when a change to the socket or HTTP contract would break an older client.
// A test pins this number so a bump is always a deliberate act.
export const PROTOCOL_VERSION = 1;
