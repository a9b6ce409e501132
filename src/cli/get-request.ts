// Turns `mirrorkit get` flags and the user's config into a PipelineRequest: a flag (or its MIRRORKIT_* variable) wins, then config.json, then the built-in default.
import {join} from 'node:path'
import type {Config} from '../core/config.js'
import {DISCOVERY_USER_AGENT} from '../core/discovery/user-agent.js'
import {UsageError} from '../core/errors.js'
import {parseChecksum} from '../core/hashing.js'
import type {PipelineRequest} from '../core/pipeline.js'
import {RANK_BY, type RankBy} from '../core/ranking/score.js'
import {transportOptionsFrom, type TransportFlagValues} from './transport-flags.js'

const URL_SOURCES = ['metalink', 'headers', 'neighbours', 'list']

export type GetFlags = TransportFlagValues & {
  output?: string
  dir?: string
  source?: string[]
  list?: string[]
  metalink?: string[]
  engine?: string[]
  'engine-base'?: string[]
  limit?: number
  'source-timeout'?: number
  samples?: number
  full: boolean
  'ignore-name': boolean
  'verify-timeout'?: number
  top?: number
  by: string
  'rank-budget'?: number
  history: boolean
  checksum?: string[]
  connections?: number
  'per-mirror'?: number
  'lowest-speed'?: number
  'stall-timeout'?: number
  restart: boolean
  keyring?: string
  'reference-lookup'?: boolean
  'require-reference'?: boolean
}

/** Splits repeated `name=value` flags into an object, refusing entries without "=". */
export function pairs(values: string[] | undefined, flag: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const value of values ?? []) {
    const index = value.indexOf('=')
    if (index <= 0) throw new UsageError(`--${flag} expects name=value, got ${JSON.stringify(value)}`)
    result[value.slice(0, index)] = value.slice(index + 1)
  }
  return result
}

/** Drops undefined values, so spreading a partial object never overrides a default with undefined. */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined
}

export function buildGetRequest(argument: string, flags: GetFlags, config: Config, dataDir: string): PipelineRequest {
  const sourceTimeout = flags['source-timeout'] ?? config.sourceTimeout
  const verifyTimeout = flags['verify-timeout'] ?? config.verifyTimeout
  const rankBudget = flags['rank-budget'] ?? config.rankBudget
  const stallTimeout = flags['stall-timeout'] ?? config.stallTimeout
  if (!RANK_BY.includes(flags.by as RankBy)) throw new UsageError(`--by must be one of ${RANK_BY.join(', ')}`)
  return {
    argument,
    ...defined({output: flags.output, directory: flags.output === undefined ? flags.dir : undefined}),
    transportOptions: transportOptionsFrom(flags, config),
    discover: {
      // Engines named on the command line mean search is wanted even for a URL, where discover leaves it out.
      ...defined({sources: flags.source ?? (flags.engine?.length ? [...URL_SOURCES, 'search'] : undefined), limit: flags.limit, timeoutMs: sourceTimeout === undefined ? undefined : sourceTimeout * 1000}),
      lists: [...(config.lists ?? []), ...(flags.list ?? [])],
      metalinks: flags.metalink ?? [],
      engines: config.engines,
      selectedEngines: flags.engine ?? [],
      engineBases: {...config.engineBases, ...pairs(flags['engine-base'], 'engine-base')},
      transportOptions: {userAgent: DISCOVERY_USER_AGENT},
    },
    verify: defined({
      samples: flags.samples ?? config.verifySamples,
      full: flags.full,
      ignoreName: flags['ignore-name'],
      timeoutMs: verifyTimeout === undefined ? undefined : verifyTimeout * 1000,
    }),
    rank: {
      by: flags.by as RankBy,
      ...defined({top: flags.top, throughput: rankBudget === undefined ? undefined : {maxMs: rankBudget}}),
      ...(flags.history ? {historyPath: join(dataDir, 'host-history.json')} : {}),
    },
    fetch: defined({
      checksums: (flags.checksum ?? []).map(parseChecksum),
      connections: flags.connections ?? config.connections,
      perMirror: flags['per-mirror'] ?? config.perMirror,
      lowestSpeed: flags['lowest-speed'] ?? config.lowestSpeed,
      stallTimeoutMs: stallTimeout === undefined ? undefined : stallTimeout * 1000,
      restart: flags.restart,
      reference: nonEmpty(defined({lookup: flags['reference-lookup'], require: flags['require-reference'], keyring: flags.keyring ?? config.keyring})),
    }),
  }
}
