// The MirrorSet pipe format that every stage reads and writes, with its types and its validation.
import {UsageError} from './errors.js'

export const MIRRORSET_VERSION = 1

export type HashAlgorithm = 'sha256' | 'sha512' | 'sha1' | 'md5'
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha512', 'sha256', 'sha1', 'md5']

export type Checksum = {algorithm: HashAlgorithm; hex: string}

/** Piece hashes: piece i covers bytes [i*length, min((i+1)*length, size)). */
export type PieceHashes = {length: number; algorithm: HashAlgorithm; hashes: string[]}

/** An accepted older version of the target: its size and hashes. */
export type Alternate = {size?: number; checksums: Checksum[]}

/** What we know about the file itself, independent of who serves it. */
export type Target = {
  name: string
  size?: number
  /** The URL whose characteristics define the target. */
  primary?: string
  checksums: Checksum[]
  pieces?: PieceHashes
  /**
   * Older versions a mirror may still serve legitimately while it syncs (mirrormanager's mm0:alternates):
   * verify calls a mirror serving one `stale`, not `mismatch`.
   */
  alternates?: Alternate[]
  etag?: string
  modifiedAt?: string
}

export type ErrorInfo = {code: string; message: string}

/** One check verify made, with what was expected and what was found. */
export type Check = {
  /** 'alternate': the mirror holds an older version the target lists as accepted (it is `stale`). */
  name: 'name' | 'size' | 'digest' | 'sample' | 'pieces' | 'full' | 'reachable' | 'alternate'
  ok: boolean
  expected?: string
  found?: string
  detail?: string
}

/** `stale`: other bytes than the target, but provably an older version it lists (a mirror still syncing). */
export type VerdictStatus = 'ok' | 'mismatch' | 'stale' | 'unreachable' | 'unverified'

export type Verdict = {
  status: VerdictStatus
  checks: Check[]
  checkedAt: string
  /** A human sentence on what was compared, e.g. "4 × 64 KiB of 256 MiB sampled". */
  summary: string
  size?: number
  modifiedAt?: string
  finalUrl?: string
  error?: ErrorInfo
}

/** Summary statistics of repeated samples, in milliseconds. */
export type SampleStats = {median: number; p90: number; sd: number; moe: number; samples: number}

export type Measurement = {
  measuredAt: string
  connectMs?: SampleStats
  tlsMs?: SampleStats
  protocolMs?: SampleStats
  ttfbMs?: number
  bytesPerSecond?: number
  /** Coefficient of variation of the throughput samples when the probe stopped. */
  throughputCv?: number
  /** Predicted seconds to download the target from this mirror alone. */
  predictedSeconds?: number
  score?: number
  /** The host's remembered rate from earlier runs, when history was used. */
  historyBytesPerSecond?: number
  error?: ErrorInfo
  /** The vantage (worker location) this was measured from, in a queued rank. */
  vantage?: string
  /** One measurement per vantage, when several were asked; the fields above then combine them (see `combined`). */
  vantages?: Measurement[]
  /** How the vantages were combined, e.g. "median of 3 vantages". */
  combined?: string
}

/** What a source says about a mirror besides its URL. */
export type CandidateFacts = {
  /** Lower is preferred, as in Metalink (1..999999). */
  priority?: number
  /** ISO 3166 country code, lower case. */
  location?: string
  /** Most links fetch may open to this mirror (metalink maxconnections). */
  maxConnections?: number
  /** The mirror's name in the list that named it (Debian Site, Gentoo name, CPAN host). */
  site?: string
  /** Whether the list says the mirror answers over IPv4 / IPv6 (Gentoo's mirror list). */
  ipv4?: boolean
  ipv6?: boolean
}

export type Candidate = CandidateFacts & {
  url: string
  foundBy: string[]
  verify?: Verdict
  rank?: Measurement
}

/** A note from a stage about something that went wrong without being fatal (an engine failing, a rejected URL). */
export type Warning = {source: string; message: string; code?: string}

export type MirrorSet = {
  version: typeof MIRRORSET_VERSION
  target: Target
  candidates: Candidate[]
  warnings?: Warning[]
}

export function emptyMirrorSet(target: Target): MirrorSet {
  return {version: MIRRORSET_VERSION, target, candidates: []}
}

function fail(message: string): never {
  throw new UsageError(`invalid MirrorSet: ${message}`, 'EMIRRORSET')
}

/** Parses and checks a MirrorSet from JSON text; refuses other versions with a clear message. */
export function parseMirrorSet(text: string): MirrorSet {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    fail(`not JSON (${(error as Error).message})`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a JSON object')
  const set = value as Record<string, unknown>
  if (set.version !== MIRRORSET_VERSION) {
    fail(`version ${JSON.stringify(set.version)} is not supported (this mirrorkit reads version ${MIRRORSET_VERSION})`)
  }
  const target = set.target as Record<string, unknown> | undefined
  if (typeof target !== 'object' || target === null) fail('missing "target"')
  if (typeof target.name !== 'string') fail('"target.name" must be a string')
  if (target.size !== undefined && (!Number.isSafeInteger(target.size) || (target.size as number) < 0)) {
    fail('"target.size" must be a non-negative integer')
  }
  if (!Array.isArray(target.checksums)) target.checksums = []
  for (const checksum of target.checksums as unknown[]) {
    const c = checksum as Record<string, unknown>
    if (!HASH_ALGORITHMS.includes(c?.algorithm as HashAlgorithm) || typeof c.hex !== 'string' || !/^[0-9a-f]+$/i.test(c.hex)) {
      fail('"target.checksums" entries need an algorithm (sha256, sha512, sha1, md5) and a hex value')
    }
  }
  if (!Array.isArray(set.candidates)) fail('"candidates" must be an array')
  for (const candidate of set.candidates as unknown[]) {
    const c = candidate as Record<string, unknown>
    if (typeof c?.url !== 'string') fail('every candidate needs a "url" string')
    if (!Array.isArray(c.foundBy)) c.foundBy = []
  }
  return set as unknown as MirrorSet
}
