// The flags every command that talks to mirrors shares (TLS, sftp keys and host keys, connect timeout), and their merge with the config file.
import {Flags} from '@oclif/core'
import type {ConfigDefaults} from '../core/config-keys.js'
import type {TransportOptions} from '../plugins/types.js'
import {readCaCertificate} from './ca-certificate.js'

export const transportFlags = {
  insecure: Flags.boolean({description: 'Skip TLS certificate checks (https, ftps).', default: false}),
  'ca-certificate': Flags.string({description: 'PEM file of the certificate authorities to trust, in place of the public roots as in aria2c and curl (https, ftps) [config: caCertificate].'}),
  identity: Flags.string({description: 'SSH private key file for sftp mirrors [config: identity].'}),
  'known-hosts': Flags.string({description: 'known_hosts file for sftp host keys [config: knownHosts; default: ~/.ssh/known_hosts].'}),
  'accept-unknown-host-keys': Flags.boolean({
    description: 'Accept sftp host keys that are unknown or changed (unsafe: allows a man in the middle).',
    default: false,
  }),
  'connect-timeout': Flags.integer({description: 'Seconds to wait for a connection and its handshake [config: connectTimeout].', min: 1}),
}

export type TransportFlagValues = {
  insecure?: boolean
  'ca-certificate'?: string
  identity?: string
  'known-hosts'?: string
  'accept-unknown-host-keys'?: boolean
  'connect-timeout'?: number
}

/** Transport options from the shared flags, falling back to the config file's keys. */
export function transportOptionsFrom(flags: TransportFlagValues, config: ConfigDefaults = {}): TransportOptions {
  const options: TransportOptions = {}
  if (flags.insecure) options.insecure = true
  const ca = readCaCertificate(flags['ca-certificate'] ?? config.caCertificate)
  if (ca !== undefined) options.ca = ca
  if (flags['accept-unknown-host-keys']) options.acceptUnknownHostKeys = true
  const identity = flags.identity ?? config.identity
  if (identity !== undefined) options.identity = identity
  const knownHosts = flags['known-hosts'] ?? config.knownHosts
  if (knownHosts !== undefined) options.knownHosts = knownHosts
  const connectTimeout = flags['connect-timeout'] ?? config.connectTimeout
  if (connectTimeout !== undefined) options.connectTimeout = connectTimeout * 1000
  return options
}
