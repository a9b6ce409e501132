// What a discovery source gets to work with: the primary's facts, the user's settings, and a bounded fetcher over our transports.
import type {RemoteInfo, Source} from '../../plugins/types.js'
import type {EngineDefinition} from './engine-definition.js'

export type SourceSettings = {
  /** Mirror list files or URLs (--list). */
  lists: string[]
  /** Values for $variables in pacman-style lists (--var). */
  variables: Record<string, string>
  /** Path appended to base URLs in lists; default the primary's path. */
  path?: string
  /** Metalink files or URLs (--metalink, or the argument itself). */
  metalinks: string[]
  /** Base URL for relative URLs in metalinks that have none of their own (--metalink-base). */
  metalinkBase?: string
  /** User engine definitions (config file, --engine-file); they override built-ins of the same name. */
  engines: EngineDefinition[]
  /** Engine names to use; empty means every engine that has a base URL. */
  selectedEngines: string[]
  /** Base URL overrides by engine name (--engine-base name=URL). */
  engineBases: Record<string, string>
}

export type SourceContext = {
  settings: SourceSettings
  /** What the primary's server said, when the argument was a URL that answered. */
  primary?: RemoteInfo
  /** Reads a document through the transports (or a local file), refusing more than maxBytes (default 4 MiB). */
  fetchText(location: string, options: {signal: AbortSignal; maxBytes?: number}): Promise<string>
}

const fatal = new WeakSet<object>()

/** Marks an error about input the user named (a --metalink, a --list): the run fails with it instead of warning. */
export function markFatal<E extends Error>(error: E): E {
  fatal.add(error)
  return error
}

export function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && fatal.has(error)
}

/** A source plugin: created once per run with the context it needs. */
export type SourceFactory = {
  readonly name: string
  create(context: SourceContext): Source
}
