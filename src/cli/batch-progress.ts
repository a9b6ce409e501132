// Batch progress on stderr: one overall line and the active files on a terminal, JSON lines naming each file with --progress json, or nothing.
import type {BatchEvent} from '../core/batch/batch-report.js'
import {formatBytes, formatRate, formatSeconds} from '../core/units.js'
import type {ProgressMode} from './progress.js'

const JSON_PROGRESS_EVERY_MS = 1000
const REDRAW_EVERY_MS = 250
const ACTIVE_SHOWN = 8

export type BatchProgress = {onEvent: (event: BatchEvent) => void; close(): void}

export function createBatchProgress(mode: ProgressMode): BatchProgress {
  if (mode === 'json') return jsonProgress()
  if (mode === 'auto' && process.stderr.isTTY) return liveProgress()
  return {onEvent: () => undefined, close: () => undefined}
}

/** Every event as one line; a file's own download events carry its index (file) and fileName, and its progress is left to the batch line. */
function jsonProgress(): BatchProgress {
  let lastProgress = 0
  const write = (value: object) => process.stderr.write(JSON.stringify({time: new Date().toISOString(), ...value}) + '\n')
  return {
    onEvent(event) {
      if (event.type === 'fetch') {
        // fileName, not name: some download events (check) have a name of their own.
        if (event.event.type !== 'progress') write({...event.event, file: event.file, fileName: event.name})
        return
      }
      if (event.type === 'batch-progress') {
        const now = Date.now()
        if (now - lastProgress < JSON_PROGRESS_EVERY_MS) return
        lastProgress = now
      }
      write(event)
    },
    close: () => undefined,
  }
}

export function renderBatchProgress(event: Extract<BatchEvent, {type: 'batch-progress'}>): string[] {
  const finished = event.done + event.failed
  const lines = [
    `${finished}/${event.files} files${event.failed ? ` (${event.failed} failed)` : ''}  ${formatBytes(event.bytes)}  ${formatRate(event.rate)}  ETA ${formatSeconds(event.eta)}`,
  ]
  for (const file of event.active.slice(0, ACTIVE_SHOWN)) {
    const share = file.size ? ` of ${formatBytes(file.size)}` : ''
    lines.push(`  ${formatBytes(file.bytes).padStart(10)}${share}  ${file.name}`)
  }
  if (event.active.length > ACTIVE_SHOWN) lines.push(`  and ${event.active.length - ACTIVE_SHOWN} more`)
  return lines
}

function liveProgress(): BatchProgress {
  let drawnLines = 0
  let lastDraw = 0
  const failures: string[] = []
  return {
    onEvent(event) {
      if (event.type === 'file-end' && event.result.status === 'failed') failures.push(`FAILED ${event.name}: ${event.result.error!.code}`)
      if (event.type !== 'batch-progress') return
      const now = Date.now()
      if (now - lastDraw < REDRAW_EVERY_MS) return
      lastDraw = now
      const lines = [...renderBatchProgress(event), ...failures.slice(-3).map((line) => `  ${line}`)]
      process.stderr.write((drawnLines > 0 ? `\u001b[${drawnLines}A\u001b[J` : '') + lines.join('\n') + '\n')
      drawnLines = lines.length
    },
    close: () => undefined,
  }
}
