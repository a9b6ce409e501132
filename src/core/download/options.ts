// The options of a download and their defaults, in one place.
import type {Checksum, MirrorSet} from '../model.js'
import type {TransportFactory, TransportOptions} from '../../plugins/types.js'
import type {TransportSet} from '../transports.js'

/** Links shared with other downloads (a batch): a new link to a host starts only when the budget has room there. */
export type SharedLinkBudget = {hasRoom(host: string): boolean; tryAcquire(host: string): boolean; release(host: string): void}
import type {ReferenceSettings} from '../references/download-reference.js'
import {DEFAULTS, seconds} from '../defaults.js'

export type FetchOptions = {
  /** Mirror URLs; the first is the primary unless `mirrorSet.target.primary` names one. */
  urls?: string[]
  /** A MirrorSet from discover/verify/rank; its candidates are added after `urls`. */
  mirrorSet?: MirrorSet
  /** Output path; default: the target's sanitised name inside `directory`. */
  output?: string
  /** Directory for the default output name; default: the current directory. */
  directory?: string
  /** Whole-file checksums to check at the end, on top of the MirrorSet's. */
  checksums?: Checksum[]
  /** Total links at once. */
  connections?: number
  /** Links per mirror at once. */
  perMirror?: number
  /** Piece length in bytes; default: the metalink piece length, else 1 MiB. */
  pieceLength?: number
  /** Cut a link whose rate stays below this many bytes per second after the grace period; 0 = off. */
  lowestSpeed?: number
  /** Cut a link that sends nothing for this long. */
  stallTimeoutMs?: number
  /** Time a new link gets before rate rules apply. */
  graceMs?: number
  /** A link slower than this fraction of the median link rate is cut when a better mirror is free. */
  relativeSpeed?: number
  /** Monitor sampling period. */
  sampleMs?: number
  /** How long a mirror's rate is measured before and after it is given one more link (link-ramp.ts). */
  rampWindowMs?: number
  /** Control-file checkpoint period. */
  checkpointMs?: number
  /** Consecutive failures after which a mirror stops being retried in this run. */
  maxTries?: number
  /** Pieces re-read from a second mirror when there is no reference hash: a count, or 'all'. */
  crossCheck?: number | 'all'
  /** Seed of the cross-check sample, for reproducible runs. */
  seed?: number
  /** Discard an existing `.part` and control file whose target changed, instead of failing. */
  restart?: boolean
  /** Poll `<out>.mirrorkit.cmd` for drop/undrop lines. */
  commandFile?: boolean
  /** Looking up a published reference hash, checking its signature, requiring one (default: look up, do not require). */
  reference?: Partial<ReferenceSettings>
  transport?: TransportOptions
  /** The transports to use; default: the built-in ones. */
  transportFactories?: readonly TransportFactory[]
  /** Transports (and their keep-alive connections) shared with other downloads; the caller closes them. */
  transports?: TransportSet
  /** A link budget shared with other downloads, keyed by host (URL.host). */
  linkBudget?: SharedLinkBudget
}

/**
 * Defaults. Links per mirror were picked by measurement: 64 MiB from 4 loopback mirrors capped
 * at 20 MiB/s each (sum 80) on a shared, loaded 2-core machine gave, per mirror, 1 link:
 * 18-29 MiB/s, 2: 49-59, 4: 55-61, 8: 39-56. One link per mirror cannot fill a mirror's share
 * (aria2's default), 8 adds requests and CPU without gain, so 4; 16 in total lets 4 mirrors
 * run 4 each (aria2 caps at 16 too, by its maintainer's choice, to spare servers). Both are upper
 * bounds since the link ramp (link-ramp.ts): each mirror starts with one link and gets more only while
 * they raise its rate. On real nginx behind one shared queue per server (bench caps, 128 MiB, 3 runs
 * each, in turns) that gave 0.961 of the caps against 0.944 with 4 links per mirror from the start.
 */
export const fetchDefaults = {
  connections: DEFAULTS.connections,
  perMirror: DEFAULTS.perMirror,
  pieceLength: DEFAULTS.pieceBytes,
  lowestSpeed: DEFAULTS.lowestSpeed,
  stallTimeoutMs: seconds(DEFAULTS.stallTimeoutSeconds),
  graceMs: 3000,
  relativeSpeed: 0.3,
  sampleMs: 250,
  /**
   * Long enough for one server's links sharing one queue to show what they get together: 1.5 s
   * (after half a second of warm-up) on the caps benchmark's 50 ms FIFOs.
   */
  rampWindowMs: 1500,
  checkpointMs: 1000,
  maxTries: 5,
  /**
   * Pieces per mirror compared with another mirror when there is no reference hash, a
   * CROSS_CHECK_WINDOW of each. Whole pieces (8 per mirror) cost 4.3 s of a 20.8 s 256 MiB run on
   * capped mirrors; windows catch a mirror serving another file or version as surely.
   * Finding a few flipped bytes takes a reference hash, not a bigger sample.
   */
  crossCheck: 8,
  seed: 1,
  /** Do not split a span for stealing when the stolen part would be fewer pieces than this. */
  minSplitPieces: 1,
} as const

export type ResolvedOptions = Required<Omit<FetchOptions, 'urls' | 'mirrorSet' | 'output' | 'directory' | 'checksums' | 'reference' | 'transport' | 'transportFactories' | 'pieceLength' | 'transports' | 'linkBudget'>> & {
  pieceLength?: number
  minSplitPieces: number
  linkBudget?: SharedLinkBudget
}

export function resolveOptions(options: FetchOptions): ResolvedOptions {
  const pick = <K extends keyof typeof fetchDefaults>(key: K, value: unknown) => (value ?? fetchDefaults[key]) as (typeof fetchDefaults)[K]
  return {
    connections: Math.max(1, pick('connections', options.connections)),
    perMirror: Math.max(1, pick('perMirror', options.perMirror)),
    pieceLength: options.pieceLength,
    lowestSpeed: pick('lowestSpeed', options.lowestSpeed),
    stallTimeoutMs: pick('stallTimeoutMs', options.stallTimeoutMs),
    graceMs: pick('graceMs', options.graceMs),
    relativeSpeed: pick('relativeSpeed', options.relativeSpeed),
    sampleMs: pick('sampleMs', options.sampleMs),
    rampWindowMs: pick('rampWindowMs', options.rampWindowMs),
    checkpointMs: pick('checkpointMs', options.checkpointMs),
    maxTries: pick('maxTries', options.maxTries),
    crossCheck: options.crossCheck ?? fetchDefaults.crossCheck,
    seed: pick('seed', options.seed),
    restart: options.restart ?? false,
    commandFile: options.commandFile ?? true,
    minSplitPieces: fetchDefaults.minSplitPieces,
    ...(options.linkBudget ? {linkBudget: options.linkBudget} : {}),
  }
}
