// Writes a schedule round into the curator's status directory: a versioned status-<round>.json, status.json (the latest), history.json and index.html.
import {mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {StatusPoint} from '../formats/status-chart.js'
import {renderStatusPage} from '../formats/status-page.js'
import type {Measurement, MirrorSet, Verdict} from '../model.js'
import {roundTripMs} from '../ranking/score.js'
import {writeFileAtomic} from '../write-atomic.js'

export const STATUS_VERSION = 1

/** One mirror in status.json: what a consumer of the published directory reads. */
export type MirrorStatus = {
  url: string
  verdict?: Pick<Verdict, 'status' | 'summary' | 'checkedAt'>
  /** One entry per vantage: rate, round trip, score or the error. */
  rank: Array<{vantage?: string; bytesPerSecond?: number; rttMs?: number; score?: number; error?: string}>
  /** When it last passed verify and was measured without error; kept across rounds. */
  lastSuccess?: string
  /** Its last rounds, oldest first: verdict and rate. */
  history: Array<{at: string; status?: string; bytesPerSecond?: number}>
}

export type StatusFile = {version: typeof STATUS_VERSION; round: number; at: string; target: MirrorSet['target']; mirrors: MirrorStatus[]}

/** Rounds kept in history.json and drawn over time: a day of 10-minute rounds. */
const KEPT_ROUNDS = 144

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T
  } catch {
    // A first round, or a file a person broke: start again rather than stop publishing.
    return undefined
  }
}

function rankEntries(rank: Measurement | undefined): MirrorStatus['rank'] {
  if (!rank) return []
  const entries = rank.vantages ?? [rank]
  return entries.map((entry) => {
    const rtt = entry.error ? undefined : roundTripMs(entry)
    return {
      ...(entry.vantage !== undefined && {vantage: entry.vantage}),
      ...(entry.error ? {error: entry.error.code} : {}),
      ...(entry.bytesPerSecond !== undefined && !entry.error && {bytesPerSecond: entry.bytesPerSecond}),
      ...(rtt !== undefined && {rttMs: rtt}),
      ...(entry.score !== undefined && !entry.error && {score: entry.score}),
    }
  })
}

/** Publishes one round; every file is written atomically, index.html last, so a reader never sees half a round. */
export async function writeStatus(directory: string, set: MirrorSet, at: string, signal: AbortSignal): Promise<StatusFile> {
  await mkdir(directory, {recursive: true})
  const previous = await readJson<StatusFile>(join(directory, 'status.json'))
  const history = (await readJson<StatusPoint[]>(join(directory, 'history.json'))) ?? []
  const before = new Map((previous?.mirrors ?? []).map((mirror) => [mirror.url, mirror]))
  const round = (previous?.round ?? 0) + 1
  const mirrors: MirrorStatus[] = set.candidates.map((candidate) => {
    const old = before.get(candidate.url)
    const succeeded = candidate.verify?.status === 'ok' && candidate.rank !== undefined && !candidate.rank.error
    const status: MirrorStatus = {url: candidate.url, rank: rankEntries(candidate.rank), history: []}
    if (candidate.verify) status.verdict = {status: candidate.verify.status, summary: candidate.verify.summary, checkedAt: candidate.verify.checkedAt}
    const lastSuccess = succeeded ? at : old?.lastSuccess
    if (lastSuccess) status.lastSuccess = lastSuccess
    const point = {at, ...(candidate.verify && {status: candidate.verify.status}), ...(candidate.rank?.bytesPerSecond !== undefined && !candidate.rank.error && {bytesPerSecond: candidate.rank.bytesPerSecond})}
    status.history = [...(old?.history ?? []), point].slice(-KEPT_ROUNDS)
    return status
  })
  const file: StatusFile = {version: STATUS_VERSION, round, at, target: set.target, mirrors}
  const point: StatusPoint = {at, mirrors: {}}
  for (const mirror of mirrors) {
    const first = mirror.rank.find((entry) => !entry.error)
    point.mirrors[mirror.url] = {...(first?.bytesPerSecond !== undefined && {bytesPerSecond: first.bytesPerSecond}), ...(first?.rttMs !== undefined && {rttMs: first.rttMs}), ...(mirror.verdict && {status: mirror.verdict.status})}
  }
  const points = [...history, point].slice(-KEPT_ROUNDS)
  const text = JSON.stringify(file, null, 2) + '\n'
  await writeFileAtomic(join(directory, `status-${String(round).padStart(6, '0')}.json`), text, {signal})
  await writeFileAtomic(join(directory, 'history.json'), JSON.stringify(points) + '\n', {signal})
  const lastSuccess = Object.fromEntries(mirrors.flatMap((mirror) => (mirror.lastSuccess ? [[mirror.url, mirror.lastSuccess]] : [])))
  await writeFileAtomic(join(directory, 'index.html'), renderStatusPage(set, {title: `mirror status: ${set.target.name}`, generatedAt: at, history: points, lastSuccess}), {signal})
  // The pointer to the latest round comes last: a reader that sees round N there finds all of round N's files.
  await writeFileAtomic(join(directory, 'status.json'), text, {signal})
  return file
}
