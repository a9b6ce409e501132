// The status page's SVG charts, drawn here as markup (no script, no library): throughput and round trip per mirror, and throughput over time.
import type {Candidate} from '../model.js'
import {formatRate} from '../units.js'
import {roundTripMs} from '../ranking/score.js'
import {escapeXml as escapeHtml} from './metalink-write.js'

/** One scheduled round's measurements, the "over time" part of the status directory. */
export type StatusPoint = {at: string; mirrors: Record<string, {bytesPerSecond?: number; rttMs?: number; status?: string}>}

const WIDTH = 760
const HEIGHT = 220
const PAD = {left: 40, right: 40, top: 24, bottom: 30}

const COLOURS: Record<string, string> = {ok: '#2e7d32', mismatch: '#c62828', unreachable: '#9e9e9e', unverified: '#f9a825', stale: '#6d4c41'}

function niceMax(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  return Math.ceil(value / power) * power
}

/**
 * One bar per mirror (its throughput, or a short grey stub when it has none, so every mirror has its mark) and
 * one dot per measured round trip on a second axis. Bars carry data-url so a test or a reader can match them.
 */
export function mirrorChart(candidates: Candidate[]): string {
  const plotWidth = WIDTH - PAD.left - PAD.right
  const plotHeight = HEIGHT - PAD.top - PAD.bottom
  const rates = candidates.map((candidate) => (candidate.rank?.error ? undefined : candidate.rank?.bytesPerSecond))
  const rtts = candidates.map((candidate) => (candidate.rank && !candidate.rank.error ? roundTripMs(candidate.rank) : undefined))
  const rateMax = niceMax(Math.max(0, ...rates.map((rate) => rate ?? 0)))
  const rttMax = niceMax(Math.max(0, ...rtts.map((rtt) => rtt ?? 0)))
  const step = plotWidth / Math.max(1, candidates.length)
  const barWidth = Math.max(1, step * 0.7)
  const parts: string[] = []
  candidates.forEach((candidate, index) => {
    const x = PAD.left + index * step + (step - barWidth) / 2
    const rate = rates[index]
    const height = rate === undefined ? 3 : Math.max(1, (rate / rateMax) * plotHeight)
    const colour = rate === undefined ? COLOURS[candidate.verify?.status ?? 'unreachable'] ?? '#9e9e9e' : '#1565c0'
    const label = `${candidate.url}: ${rate === undefined ? candidate.verify?.status ?? 'not measured' : `${Math.round(rate / 1024)} KiB/s`}`
    parts.push(`<rect class="mark" data-url="${escapeHtml(candidate.url)}" x="${x.toFixed(1)}" y="${(PAD.top + plotHeight - height).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}" fill="${colour}"><title>${escapeHtml(label)}</title></rect>`)
    const rtt = rtts[index]
    if (rtt !== undefined) {
      const y = PAD.top + plotHeight - (rtt / rttMax) * plotHeight
      parts.push(`<circle class="rtt" cx="${(x + barWidth / 2).toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="#ef6c00"><title>${escapeHtml(`${candidate.url}: ${rtt.toFixed(1)} ms round trip`)}</title></circle>`)
    }
  })
  const axes = [
    `<line x1="${PAD.left}" y1="${PAD.top + plotHeight}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotHeight}" stroke="#444"/>`,
    `<text x="2" y="${PAD.top - 6}" font-size="11" fill="#1565c0">${formatRate(rateMax)}</text>`,
    `<text x="${WIDTH - 2}" y="${PAD.top - 6}" text-anchor="end" font-size="11" fill="#ef6c00">${rttMax.toFixed(0)} ms</text>`,
    `<text x="${PAD.left}" y="${HEIGHT - 8}" font-size="11">mirrors in table order: bars throughput (blue), dots round trip (orange), grey/red: not measured</text>`,
  ]
  return `<svg id="mirror-chart" role="img" aria-label="throughput and round trip per mirror" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%">${axes.join('')}${parts.join('')}</svg>`
}

/** Throughput of each mirror across rounds, one line per mirror; nothing when there are fewer than two rounds. */
export function historyChart(points: StatusPoint[]): string {
  if (points.length < 2) return ''
  const plotWidth = WIDTH - PAD.left - PAD.right
  const plotHeight = HEIGHT - PAD.top - PAD.bottom
  const urls = [...new Set(points.flatMap((point) => Object.keys(point.mirrors)))]
  const rateMax = niceMax(Math.max(0, ...points.flatMap((point) => Object.values(point.mirrors).map((mirror) => mirror.bytesPerSecond ?? 0))))
  const x = (index: number) => PAD.left + (index * plotWidth) / (points.length - 1)
  const lines = urls.map((url, line) => {
    const coordinates = points.flatMap((point, index) => {
      const rate = point.mirrors[url]?.bytesPerSecond
      return rate === undefined ? [] : [`${x(index).toFixed(1)},${(PAD.top + plotHeight - (rate / rateMax) * plotHeight).toFixed(1)}`]
    })
    const hue = Math.round((line * 137.5) % 360)
    return `<polyline class="history" data-url="${escapeHtml(url)}" fill="none" stroke="hsl(${hue} 60% 45%)" stroke-width="1.5" points="${coordinates.join(' ')}"><title>${escapeHtml(url)}</title></polyline>`
  })
  const labels = `<text x="${PAD.left}" y="${HEIGHT - 8}" font-size="11">${escapeHtml(points[0]!.at)} … ${escapeHtml(points.at(-1)!.at)} (${points.length} rounds), throughput per mirror, top ${formatRate(rateMax)}</text>`
  return `<svg id="history-chart" role="img" aria-label="throughput per mirror over time" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%"><line x1="${PAD.left}" y1="${PAD.top + plotHeight}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotHeight}" stroke="#444"/>${labels}${lines.join('')}</svg>`
}
