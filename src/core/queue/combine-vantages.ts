// Combines one candidate's measurements from several vantages into one rank entry: the median vantage stands for the mirror, every vantage is kept.
import type {Measurement} from '../model.js'

const median = (values: number[]): number | undefined => {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * The median of the scores, rate and first-byte time over the vantages that measured it, so one far-away or
 * congested vantage cannot decide a mirror's place alone; round trips are the median-scored vantage's own.
 */
export function combineVantages(entries: Measurement[]): Measurement {
  if (entries.length === 1) return entries[0]!
  const measured = entries.filter((entry) => !entry.error && entry.score !== undefined)
  const measuredAt = entries.map((entry) => entry.measuredAt).sort().at(-1)!
  const combined = `median of ${entries.length} vantages${measured.length < entries.length ? ` (${measured.length} measured it)` : ''}`
  if (measured.length === 0) {
    const first = entries.find((entry) => entry.error)
    const error = first?.error ?? {code: 'ENOMIRROR', message: 'not measured from any vantage'}
    return {measuredAt, error: {code: error.code, message: `failed from every vantage: ${error.message}`}, vantages: entries, combined}
  }
  const byScore = [...measured].sort((a, b) => a.score! - b.score!)
  const representative = byScore[(byScore.length - 1) >> 1]!
  const result: Measurement = {measuredAt, vantages: entries, combined}
  for (const field of ['connectMs', 'tlsMs', 'protocolMs'] as const) if (representative[field]) result[field] = representative[field]
  const score = median(measured.map((entry) => entry.score!))!
  result.score = result.predictedSeconds = Math.round(score * 1000) / 1000
  const rate = median(measured.flatMap((entry) => (entry.bytesPerSecond === undefined ? [] : [entry.bytesPerSecond])))
  if (rate !== undefined) result.bytesPerSecond = Math.round(rate)
  const ttfb = median(measured.flatMap((entry) => (entry.ttfbMs === undefined ? [] : [entry.ttfbMs])))
  if (ttfb !== undefined) result.ttfbMs = Math.round(ttfb * 1000) / 1000
  return result
}
