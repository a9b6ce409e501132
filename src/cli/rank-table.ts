// Renders rank's result as a human table: round trip, first byte, throughput with a bar, predicted time; failures last.
import type {MirrorSet} from '../core/model.js'
import {redactText, redactUrl} from '../core/redact.js'
import {roundTripMs} from '../core/ranking/score.js'
import {formatMilliseconds, formatRate, formatSeconds} from '../core/units.js'
import {renderBars} from './bar-chart.js'

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - [...text].length))

export function renderRankTable(set: MirrorSet): string {
  const rows = set.candidates.map((candidate, index) => {
    const rank = candidate.rank
    const rtt = rank ? roundTripMs(rank) : undefined
    const moe = rank?.protocolMs?.moe ?? rank?.connectMs?.moe
    return {
      position: String(index + 1),
      url: redactUrl(candidate.url),
      rtt: rtt === undefined ? '-' : `${formatMilliseconds(rtt)}${moe ? ` ±${formatMilliseconds(moe)}` : ''}`,
      ttfb: formatMilliseconds(rank?.ttfbMs),
      rate: formatRate(rank?.bytesPerSecond),
      predicted: formatSeconds(rank?.predictedSeconds),
      note: rank?.error
        ? `failed: ${redactText(rank.error.message)} (${rank.error.code})`
        : rank
          ? ''
          : `not measured (verify: ${candidate.verify?.status ?? 'none'})`,
      bytesPerSecond: rank?.error ? undefined : rank?.bytesPerSecond,
    }
  })
  const bars = renderBars(rows.map((row) => row.bytesPerSecond))
  const header = {position: '#', url: 'mirror', rtt: 'rtt', ttfb: 'first byte', rate: 'throughput', predicted: 'predicted'}
  const widths = Object.fromEntries(
    Object.keys(header).map((key) => [key, Math.max(...[header, ...rows].map((row) => [...(row as Record<string, string>)[key]!].length))]),
  ) as Record<keyof typeof header, number>
  const line = (row: typeof header) =>
    (Object.keys(header) as Array<keyof typeof header>).map((key) => pad(row[key], widths[key])).join('  ')
  const body = rows.map((row, index) => `${line(row)}  ${row.note || bars[index]}`.trimEnd())
  return [`${line(header)}  speed`, ...body].join('\n')
}
