// The report of a finished download: bytes, rate, duration, what each mirror did, and which integrity checks ran.
import {formatBytes, formatRate, formatSeconds} from '../units.js'
import {describeProof, proofSummary, type ProofSummary} from './proof-summary.js'
import type {Reference} from '../references/reference.js'
import type {MirrorState} from './mirror-state.js'
import type {PieceMap} from './piece-map.js'

export type MirrorSummary = {
  mirror: number
  url: string
  bytes: number
  /** Bytes per second while it had links. */
  rate: number
  pieces: number
  cuts: number
  faults: number
  state: string
  reason?: string
  lastError?: {code: string; message: string}
}

export type IntegrityCheck = {
  name: 'pieces' | 'checksum' | 'cross-check' | 'size'
  ok: boolean
  detail: string
  /** A passed cross-check: about how many bytes were re-read from a second mirror, and whose pieces they were. */
  compared?: {bytes: number; mirrors: string[]}
}

export type FetchSummary = {
  output: string
  name: string
  size: number
  /** Bytes received in this run (hedges and refetches included). */
  bytes: number
  resumedBytes: number
  durationMs: number
  rate: number
  links: number
  mirrors: MirrorSummary[]
  checks: IntegrityCheck[]
  /** What the checks prove: verified against a reference, or unverified, with what was compared instead. */
  proof: ProofSummary
}

/** What the summary of a finished download is made of. */
export type Finished = {
  output: string
  target: {name: string; size?: number}
  mirrors: readonly MirrorState[]
  map: PieceMap | undefined
  started: number
  resumedBytes: number
  checks: IntegrityCheck[]
  links: number
  /** The reference the checks used, when one was given or found. */
  reference?: Reference
}

export function fetchSummary(done: Finished): FetchSummary {
  const durationMs = Date.now() - done.started
  const bytes = done.mirrors.reduce((sum, mirror) => sum + mirror.bytes, 0)
  const mirrors = mirrorSummaries(done.mirrors, done.map, durationMs)
  const culprits = mirrors.filter((mirror) => mirror.state === 'quarantined' && mirror.lastError?.code === 'EINTEGRITY').map((mirror) => mirror.url)
  return {
    output: done.output,
    name: done.target.name,
    size: done.target.size ?? bytes,
    bytes,
    resumedBytes: done.resumedBytes,
    durationMs,
    rate: durationMs > 0 ? Math.round((bytes * 1000) / durationMs) : 0,
    links: done.links,
    mirrors,
    checks: done.checks,
    proof: proofSummary(done.checks, done.reference, done.target.size ?? bytes, culprits),
  }
}

export function mirrorSummaries(mirrors: readonly MirrorState[], map: PieceMap | undefined, durationMs: number): MirrorSummary[] {
  const pieces = new Map<number, number>()
  if (map) for (let piece = 0; piece < map.count; piece++) pieces.set(map.deliverer(piece), (pieces.get(map.deliverer(piece)) ?? 0) + 1)
  return mirrors.map((mirror) => ({
    mirror: mirror.id,
    url: mirror.displayUrl,
    bytes: mirror.bytes,
    rate: durationMs > 0 ? Math.round((mirror.bytes * 1000) / durationMs) : 0,
    pieces: pieces.get(mirror.id) ?? 0,
    cuts: mirror.cuts,
    faults: mirror.faults,
    state: mirror.stateLabel,
    ...(mirror.reason === undefined ? {} : {reason: mirror.reason}),
    ...(mirror.lastError === undefined ? {} : {lastError: mirror.lastError}),
  }))
}

/** The human rendering of a summary, for a terminal. */
export function renderSummary(summary: FetchSummary): string {
  const lines = [
    `${summary.output}: ${formatBytes(summary.size)} in ${formatSeconds(summary.durationMs / 1000)} (${formatRate(summary.rate)})` +
      (summary.resumedBytes > 0 ? `, ${formatBytes(summary.resumedBytes)} resumed` : ''),
  ]
  for (const mirror of summary.mirrors) {
    const extra = [mirror.cuts ? `${mirror.cuts} cuts` : '', mirror.faults ? `${mirror.faults} faults` : '', mirror.reason ?? ''].filter(Boolean).join(', ')
    lines.push(`  [${mirror.mirror + 1}] ${mirror.url}  ${formatBytes(mirror.bytes)}  ${mirror.pieces} pieces  ${mirror.state}${extra ? `  (${extra})` : ''}`)
  }
  for (const check of summary.checks) lines.push(`  ${check.ok ? 'ok' : 'FAILED'}  ${check.name}: ${check.detail}`)
  lines.push(`  ${describeProof(summary.proof)}`)
  return lines.join('\n')
}
