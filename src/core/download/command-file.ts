// Polls `<out>.mirrorkit.cmd` for user directives during a run: `drop <url-or-host>` and `undrop <url-or-host>`, one per line.
import {readFile, rm} from 'node:fs/promises'

export type Directive = {action: 'drop' | 'undrop'; mirror: string}

const POLL_MS = 300

export function commandPath(output: string): string {
  return `${output}.mirrorkit.cmd`
}

export function parseDirectives(text: string): Directive[] {
  const directives: Directive[] = []
  for (const line of text.split('\n')) {
    const match = /^\s*(drop|undrop)\s+(\S+)\s*$/.exec(line)
    if (match) directives.push({action: match[1] as Directive['action'], mirror: match[2]!})
  }
  return directives
}

/**
 * Applies new lines as they appear (appending is the intended use: `echo "drop host" >> f.iso.mirrorkit.cmd`).
 * The file is removed at the start and end of a run so old directives never leak into the next one.
 */
export async function watchCommandFile(path: string, apply: (directive: Directive) => void): Promise<() => Promise<void>> {
  await rm(path, {force: true})
  let seen = 0
  let busy = false
  const poll = async () => {
    if (busy) return
    busy = true
    try {
      const lines = (await readFile(path, 'utf8').catch(() => '')).split('\n')
      // Only whole lines: the last one may still be being written.
      const complete = lines.slice(0, -1)
      if (complete.length < seen) seen = 0
      for (const directive of parseDirectives(complete.slice(seen).join('\n'))) apply(directive)
      seen = complete.length
    } finally {
      busy = false
    }
  }
  const timer = setInterval(() => void poll(), POLL_MS)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await poll()
    await rm(path, {force: true})
  }
}
