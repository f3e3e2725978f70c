/**
 * Helpers for the bad-input suites every server of the workspace has: seeded inputs, raw HTTP on
 * loopback (what no client library would send), and probes of the process under attack; and the
 * manual clock that code taking a `Clock` is tested with.
 */
export { brokenJson, WRONG_TYPES, withOwnProperty } from "./json-mutations.js";
export { type MalformedRequestOptions, malformedRequests } from "./malformed-requests.js";
export { type ManualClock, manualClock } from "./manual-clock.js";
export { pool } from "./pool.js";
export { prototypeNames, residentBytes } from "./process-probes.js";
export { PROTOTYPE_KEYS, pick, type Random, seededRandom } from "./random.js";
export {
  bodyOf,
  bodyTextOf,
  type HeldSocket,
  idleSockets,
  type RawExchangeOptions,
  rawExchange,
  statusOf,
  type TrickleOptions,
  type TrickleResult,
  trickle,
} from "./raw-http.js";
export { type ServerProcess, type ServerProcessOptions, startServerProcess } from "./server-process.js";
