/**
 * The core's second public entry, `@cachify/core/shared`: pure leaf modules the browser UI may
 * run (the web otherwise imports only types from `@cachify/core`). Every module re-exported here
 * must import nothing node-specific and nothing of the gate, the stores or the providers;
 * test/arch/layers.test.ts checks that everything this file reaches stays inside the folders it
 * lists as pure.
 */
export { CachifyError, type ErrorCode } from "./common/errors.ts";
export { checkGlob, keyMatcher, literalPrefix } from "./common/glob.ts";
export {
  bytesAsUtf8,
  bytesEqual,
  bytesFromBase64,
  bytesToBase64,
  displayKey,
  type KeyBytes,
  keyFromText,
} from "./common/keys.ts";
