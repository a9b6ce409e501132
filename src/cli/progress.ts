// Download progress on stderr: a live view on a terminal (numbered mirrors; a digit drops one, q stops), JSON lines with --progress json, or nothing.
import type {FetchEvent} from '../core/download/events.js'
import {formatBytes, formatRate, formatSeconds} from '../core/units.js'

export type ProgressMode = 'auto' | 'json' | 'none'

type Controls = {dropMirror(mirror: string): number; stop(): void}

const JSON_PROGRESS_EVERY_MS = 1000
const REDRAW_EVERY_MS = 250

export type Progress = {onEvent: (event: FetchEvent) => void; attach(controls: Controls): void; close(): void}

export function createProgress(mode: ProgressMode): Progress {
  if (mode === 'json') return jsonProgress()
  if (mode === 'auto' && process.stderr.isTTY) return liveProgress()
  return {onEvent: () => undefined, attach: () => undefined, close: () => undefined}
}

function jsonProgress(): Progress {
  let lastProgress = 0
  return {
    onEvent(event) {
      if (event.type === 'progress') {
        const now = Date.now()
        if (now - lastProgress < JSON_PROGRESS_EVERY_MS) return
        lastProgress = now
      }
      process.stderr.write(JSON.stringify({time: new Date().toISOString(), ...event}) + '\n')
    },
    attach: () => undefined,
    close: () => undefined,
  }
}

function liveProgress(): Progress {
  let drawnLines = 0
  let lastDraw = 0
  let mirrors: Array<{url: string}> = []
  let controls: Controls | undefined
  const notes: string[] = []
  const draw = (lines: string[]) => {
    const clear = drawnLines > 0 ? `\u001b[${drawnLines}A\u001b[J` : ''
    process.stderr.write(clear + lines.join('\n') + '\n')
    drawnLines = lines.length
  }
  const onKey = (key: Buffer) => {
    const text = key.toString('utf8')
    if (text === 'q' || text === '\u0003') controls?.stop()
    const digit = Number.parseInt(text, 10)
    if (digit >= 1 && digit <= mirrors.length) controls?.dropMirror(mirrors[digit - 1]!.url)
  }
  return {
    onEvent(event) {
      if (event.type === 'start') mirrors = event.mirrors
      if (event.type === 'mirror-quarantined') notes.push(`quarantined [${event.mirror + 1}] ${event.url}: ${event.reason}`)
      if (event.type === 'mirror-dropped') notes.push(`dropped [${event.mirror + 1}] ${event.url}`)
      if (event.type === 'check') notes.push(`${event.ok ? 'ok' : 'FAILED'} ${event.name}: ${event.detail}`)
      if (event.type !== 'progress') return
      const now = Date.now()
      if (now - lastDraw < REDRAW_EVERY_MS) return
      lastDraw = now
      const percent = event.size ? ` ${((event.bytes / event.size) * 100).toFixed(1)}%` : ''
      const lines = [`${formatBytes(event.bytes)}${event.size ? ` of ${formatBytes(event.size)}` : ''}${percent}  ${formatRate(event.rate)}  ETA ${formatSeconds(event.eta)}`]
      for (const mirror of event.mirrors) {
        lines.push(`  [${mirror.mirror + 1}] ${formatRate(mirror.rate).padStart(12)}  ${String(mirror.links).padStart(2)} links  ${mirror.state.padEnd(11)} ${mirror.url}`)
      }
      lines.push(...notes.slice(-4).map((note) => `  ${note}`))
      lines.push(controls ? '  press 1-9 to drop that mirror, q to stop' : '')
      draw(lines)
    },
    attach(attached) {
      controls = attached
      if (!process.stdin.isTTY) return
      process.stdin.setRawMode(true)
      process.stdin.on('data', onKey)
      process.stdin.resume()
    },
    close() {
      if (controls && process.stdin.isTTY) {
        process.stdin.off('data', onKey)
        process.stdin.setRawMode(false)
        process.stdin.pause()
      }
    },
  }
}
