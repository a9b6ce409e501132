// Turns `mirrorkit discover` flags and the user's config into a DiscoverRequest: a flag wins, then config.json, then the default.
import type {Config} from '../core/config.js'
import type {DiscoverRequest} from '../core/discovery/discover.js'
import type {EngineDefinition} from '../core/discovery/engine-definition.js'
import {DISCOVERY_USER_AGENT} from '../core/discovery/user-agent.js'
import {pairs} from './get-request.js'
import {DEFAULTS} from '../core/defaults.js'
import {transportOptionsFrom, type TransportFlagValues} from './transport-flags.js'

export type DiscoverFlags = TransportFlagValues & {
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
}

const URL_SOURCES = ['metalink', 'headers', 'neighbours', 'list']

export function buildDiscoverRequest(argument: string, flags: DiscoverFlags, config: Config, engineFiles: EngineDefinition[]): DiscoverRequest {
  const timeout = flags.timeout ?? config.sourceTimeout ?? DEFAULTS.sourceTimeoutSeconds
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
    transportOptions: {...transportOptionsFrom(flags, config), userAgent: DISCOVERY_USER_AGENT},
  }
}
