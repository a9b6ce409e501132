// The user-settable defaults of config.json as one table, so validation, `mirrorkit config` and the README agree.
// `get` reads every key; a stage command reads the keys its --help marks [config: key].
import {UsageError} from './errors.js'
import {connectTimeoutText, DEFAULTS} from './defaults.js'

/** Defaults a user may set in config.json; flags (and their MIRRORKIT_* variables) override every one of them. */
export type ConfigDefaults = {
  /** Mirror list files or URLs that discover and get always read. */
  lists?: string[]
  /** Total download links at once. */
  connections?: number
  /** Download links per mirror at once. */
  perMirror?: number
  /** Seconds to wait for a connection and its handshake. */
  connectTimeout?: number
  /** Seconds each discovery source may run. */
  sourceTimeout?: number
  /** Seconds verify allows per mirror. */
  verifyTimeout?: number
  /** Cut a download link slower than this many bytes per second (0: off). */
  lowestSpeed?: number
  /** Seconds a download link may send nothing before it is cut. */
  stallTimeout?: number
  /** Ranges verify samples per mirror. */
  verifySamples?: number
  /** Milliseconds rank's throughput probe may run per mirror. */
  rankBudget?: number
  /** known_hosts file for sftp host-key checks. */
  knownHosts?: string
  /** SSH private key file for sftp. */
  identity?: string
  /** PEM file of the certificate authorities trusted in place of the public roots. */
  caCertificate?: string
  /** Exported OpenPGP public keys that must sign a published checksum file. */
  keyring?: string
}

export type ConfigKey = {
  key: keyof ConfigDefaults
  type: 'integer' | 'string' | 'string[]'
  /** The smallest accepted value, for integers. */
  min?: number
  description: string
  /** What applies when neither the config nor a flag sets it. */
  fallback: string
}

export const CONFIG_KEYS: readonly ConfigKey[] = [
  {key: 'lists', type: 'string[]', description: 'Mirror list files or URLs always read when discovering (--list adds more).', fallback: 'none'},
  {key: 'connections', type: 'integer', min: 1, description: 'Total download links at once.', fallback: String(DEFAULTS.connections)},
  {key: 'perMirror', type: 'integer', min: 1, description: 'Download links per mirror at once.', fallback: String(DEFAULTS.perMirror)},
  {key: 'connectTimeout', type: 'integer', min: 1, description: 'Seconds to wait for a connection and its handshake.', fallback: connectTimeoutText()},
  {key: 'sourceTimeout', type: 'integer', min: 1, description: 'Seconds each discovery source may run.', fallback: String(DEFAULTS.sourceTimeoutSeconds)},
  {key: 'verifyTimeout', type: 'integer', min: 1, description: 'Seconds verify allows per mirror.', fallback: `${DEFAULTS.verifyTimeoutSeconds} (${DEFAULTS.verifyFullTimeoutSeconds} with verify --full)`},
  {key: 'lowestSpeed', type: 'integer', min: 0, description: 'Cut a download link below this many bytes/s; 0 is off.', fallback: String(DEFAULTS.lowestSpeed)},
  {key: 'stallTimeout', type: 'integer', min: 1, description: 'Seconds a download link may stay silent before it is cut.', fallback: String(DEFAULTS.stallTimeoutSeconds)},
  {key: 'verifySamples', type: 'integer', min: 0, description: 'Ranges sampled per mirror when verifying.', fallback: `${DEFAULTS.verifySamples} for verify, ${DEFAULTS.getVerifySamples} for get`},
  {key: 'rankBudget', type: 'integer', min: 50, description: 'Milliseconds the throughput probe may run per mirror.', fallback: `${DEFAULTS.rankBudgetMs} for rank, ${DEFAULTS.getRankBudgetMs} for get`},
  {key: 'knownHosts', type: 'string', description: 'known_hosts file for sftp host keys.', fallback: '~/.ssh/known_hosts'},
  {key: 'identity', type: 'string', description: 'SSH private key file for sftp.', fallback: 'agent, then password in the URL'},
  {key: 'caCertificate', type: 'string', description: 'PEM file of the certificate authorities trusted in place of the public roots, as in aria2c and curl (https, ftps).', fallback: 'the public roots'},
  {key: 'keyring', type: 'string', description: 'Exported OpenPGP public keys (gpg --export): fetch and get then use only a checksum file they sign.', fallback: 'none: signatures are not checked'},
]

/** The defaults found in a parsed config object; a wrong type names the key and what it expects. */
export function readConfigDefaults(value: Record<string, unknown>, path: string): ConfigDefaults {
  const defaults: Record<string, unknown> = {}
  for (const {key, type, min} of CONFIG_KEYS) {
    const given = value[key]
    if (given === undefined) continue
    const ok =
      type === 'integer'
        ? Number.isSafeInteger(given) && (given as number) >= (min ?? 0)
        : type === 'string'
          ? typeof given === 'string' && given !== ''
          : Array.isArray(given) && given.every((item) => typeof item === 'string')
    if (!ok) {
      const expected = type === 'integer' ? `an integer of at least ${min ?? 0}` : type === 'string' ? 'a non-empty string' : 'an array of strings'
      throw new UsageError(`${path}: "${key}" must be ${expected}`, 'ECONFIG')
    }
    defaults[key] = given
  }
  return defaults as ConfigDefaults
}
