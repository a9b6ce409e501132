// The result of a batch: every file's outcome, the totals, and the exit code of the worst file.
import type {FetchEvent} from '../download/events.js'
import {redactText} from '../redact.js'
import {formatBytes, formatRate, formatSeconds} from '../units.js'

export type BatchFileStatus = 'done' | 'skipped' | 'failed'

export type BatchFileResult = {
  name: string
  output: string
  status: BatchFileStatus
  /** How: one whole request from one host, the segmented engine, or already present. */
  method?: 'whole' | 'segmented'
  size?: number
  /** Bytes received for it in this run. */
  bytes: number
  durationMs: number
  /** The host that sent a whole file. */
  host?: string
  /** What was checked, e.g. "sha256 matches". */
  check?: string
  error?: {code: string; message: string; exitCode: number}
}

export type BatchSummary = {
  files: BatchFileResult[]
  done: number
  skipped: number
  failed: number
  bytes: number
  durationMs: number
  rate: number
  /** The highest exit code of any file (0 when every file is done or skipped). */
  exitCode: number
  hosts: Record<string, {ttfbMs?: number; linkRate?: number; throughput?: number; failures: number; files: number}>
}

export type ActiveFile = {name: string; bytes: number; size?: number}

export type BatchEvent =
  | {type: 'file-start'; file: number; name: string}
  | {type: 'file-end'; file: number; name: string; result: BatchFileResult}
  | {type: 'fetch'; file: number; name: string; event: FetchEvent}
  | {type: 'batch-progress'; files: number; done: number; failed: number; bytes: number; size?: number; rate: number; eta?: number; active: ActiveFile[]}

/** The worst file decides: the highest exit code among the files (so 130, then disk 6, network 5, integrity 4, missing 3, usage 2). */
export function worstExitCode(files: readonly BatchFileResult[]): number {
  return Math.max(0, ...files.map((file) => file.error?.exitCode ?? 0))
}

export function renderBatchSummary(summary: BatchSummary): string {
  const lines = [
    `${summary.files.length} files: ${summary.done} done, ${summary.skipped} already complete, ${summary.failed} failed; ` +
      `${formatBytes(summary.bytes)} in ${formatSeconds(summary.durationMs / 1000)} (${formatRate(summary.rate)})`,
  ]
  const width = Math.min(48, Math.max(0, ...summary.files.map((file) => file.name.length)))
  for (const file of summary.files) {
    const how = file.status === 'failed' ? `FAILED ${file.error!.code}: ${redactText(file.error!.message)}` : file.status === 'skipped' ? `skipped: ${file.check ?? 'already complete'}` : `${file.method}${file.host ? ` from ${file.host}` : ''}${file.check ? `, ${file.check}` : ''}`
    const size = file.size === undefined ? '' : formatBytes(file.size)
    lines.push(`  ${file.status === 'failed' ? '✗' : '✓'} ${file.name.padEnd(width)} ${size.padStart(10)}  ${how}`)
  }
  if (summary.exitCode !== 0) lines.push(`exit code ${summary.exitCode} (the worst file's)`)
  return lines.join('\n')
}
