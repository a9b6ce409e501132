// Scores and orders measured mirrors: predicted seconds to fetch the target alone, failures last with their reason.
import type {Candidate, Measurement} from '../model.js'
import type {HostRecord} from './history.js'

export type RankBy = 'score' | 'rtt' | 'throughput'
export const RANK_BY: readonly RankBy[] = ['score', 'rtt', 'throughput']

/** Used when the target size is unknown, so that scores still weigh throughput against latency sensibly. */
export const NOMINAL_SIZE = 64 * 1024 * 1024

/** Weight of the remembered rate against one fresh measurement: a prior, never louder than what we just saw. */
const HISTORY_WEIGHT = 0.25

/** The latency one request costs: the protocol round trip when measured, else the TCP connect time. */
export function roundTripMs(measurement: Measurement): number | undefined {
  return measurement.protocolMs?.median ?? measurement.connectMs?.median
}

/** The measured rate pulled slightly toward the host's remembered rate. */
export function blendedRate(measured: number, history: HostRecord | undefined): number {
  if (!history?.bytesPerSecond) return measured
  return (measured + HISTORY_WEIGHT * history.bytesPerSecond) / (1 + HISTORY_WEIGHT)
}

/**
 * Seconds to download `size` bytes from this mirror alone: time to first byte plus size over rate,
 * inflated by the host's remembered failure rate (a failing host costs retries).
 */
export function predictSeconds(measurement: Measurement, size: number | undefined, history?: HostRecord): number | undefined {
  if (measurement.error || !measurement.bytesPerSecond) return undefined
  const startMs = measurement.ttfbMs ?? roundTripMs(measurement) ?? 0
  const rate = blendedRate(measurement.bytesPerSecond, history)
  const seconds = startMs / 1000 + (size ?? NOMINAL_SIZE) / rate
  const failureRate = Math.min(history?.failureRate ?? 0, 0.9)
  return Math.round((seconds / (1 - failureRate)) * 1000) / 1000
}

/** The sort key for `by`: lower is better; undefined sorts after every measured mirror. */
function key(measurement: Measurement | undefined, by: RankBy): number | undefined {
  if (!measurement || measurement.error) return undefined
  if (by === 'rtt') return roundTripMs(measurement)
  if (by === 'throughput') return measurement.bytesPerSecond === undefined ? undefined : -measurement.bytesPerSecond
  return measurement.score
}

/** Best first; failed mirrors after measured ones, unmeasured ones last; ties keep their input order. */
export function sortCandidates(candidates: readonly Candidate[], by: RankBy): Candidate[] {
  const tier = (candidate: Candidate) => (key(candidate.rank, by) !== undefined ? 0 : candidate.rank ? 1 : 2)
  return candidates
    .map((candidate, index) => ({candidate, index}))
    .sort((a, b) => {
      const tiers = tier(a.candidate) - tier(b.candidate)
      if (tiers !== 0) return tiers
      const difference = (key(a.candidate.rank, by) ?? 0) - (key(b.candidate.rank, by) ?? 0)
      return difference !== 0 ? difference : a.index - b.index
    })
    .map(({candidate}) => candidate)
}
