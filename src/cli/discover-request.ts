// Turns `mirrorkit discover` flags and the user's config into a DiscoverRequest: a flag wins, then config.json, then the default.
import type {Config} from '../core/config.js'
import type {DiscoverRequest} from '../core/discovery/discover.js'
import type {EngineDefinition} from '../core/discovery/engine-definition.js'
import {DISCOVERY_USER_AGENT} from '../core/discovery/user-agent.js'
import {pairs} from './get-request.js'

export type DiscoverFlags = {
  source?: string[]
  metalink?: string[]
  'metalink-base'?: string
  list?: string[]
  var?: string[]
  path?: string
  engine?: string[]
  'engine-base'?: string[]
  size?: number
  limit?: number
  timeout?: number
  insecure: boolean
  identity?: string
  'known-hosts'?: string
  'accept-unknown-host-keys'?: boolean
  'connect-timeout'?: number
}

const URL_SOURCES = ['metalink', 'headers', 'neighbours', 'list']

export function buildDiscoverRequest(argument: string, flags: DiscoverFlags, config: Config, engineFiles: EngineDefinition[]): DiscoverRequest {
  const timeout = flags.timeout ?? config.sourceTimeout ?? 20
  const connectTimeout = flags['connect-timeout'] ?? config.connectTimeout
  const identity = flags.identity ?? config.identity
  const knownHosts = flags['known-hosts'] ?? config.knownHosts
  // Engines named on the command line mean search is wanted even for a URL, where discover otherwise leaves it out.
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(argument)
  const sources = flags.source ?? (isUrl && flags.engine?.length ? [...URL_SOURCES, 'search'] : undefined)
  return {
    argument,
    ...(sources ? {sources} : {}),
    metalinks: flags.metalink ?? [],
    ...(flags['metalink-base'] === undefined ? {} : {metalinkBase: flags['metalink-base']}),
    lists: [...(config.lists ?? []), ...(flags.list ?? [])],
    variables: pairs(flags.var, 'var'),
    ...(flags.path === undefined ? {} : {path: flags.path}),
    engines: [...config.engines, ...engineFiles],
    selectedEngines: flags.engine ?? [],
    engineBases: {...config.engineBases, ...pairs(flags['engine-base'], 'engine-base')},
    ...(flags.size === undefined ? {} : {size: flags.size}),
    ...(flags.limit === undefined ? {} : {limit: flags.limit}),
    timeoutMs: timeout * 1000,
    transportOptions: {
      insecure: flags.insecure,
      userAgent: DISCOVERY_USER_AGENT,
      ...(connectTimeout === undefined ? {} : {connectTimeout: connectTimeout * 1000}),
      ...(identity === undefined ? {} : {identity}),
      ...(knownHosts === undefined ? {} : {knownHosts}),
      ...(flags['accept-unknown-host-keys'] ? {acceptUnknownHostKeys: true} : {}),
    },
  }
}
