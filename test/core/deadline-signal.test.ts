// Deadline signals fire even when nothing but AbortSignal.any holds them, and follow their parents.
import {execFile} from 'node:child_process'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {deadlineSignal, timeoutSignal} from '../../src/core/deadline-signal.js'

const run = promisify(execFile)

const aborted = (signal: AbortSignal, limitMs: number) => new Promise<unknown>((resolve, reject) => {
  const guard = setTimeout(() => reject(new Error(`not aborted within ${limitMs} ms`)), limitMs)
  signal.addEventListener('abort', () => { clearTimeout(guard); resolve(signal.reason) }, {once: true})
})

describe('deadline signals', () => {
  it('timeoutSignal aborts with a TimeoutError', async () => {
    const reason = await aborted(timeoutSignal(20), 5000)
    expect((reason as DOMException).name).toBe('TimeoutError')
  })

  it('deadlineSignal follows any of its parents', async () => {
    const first = new AbortController()
    const second = new AbortController()
    const signal = deadlineSignal([first.signal, second.signal], 60_000)
    second.abort(new Error('stop'))
    expect(signal.aborted).toBe(true)
    expect((signal.reason as Error).message).toBe('stop')
  })

  it('fires under forced garbage collection while only AbortSignal.any and its timer hold it', async () => {
    // A child with --expose-gc collects every 10 ms while the deadline runs; the same script with
    // AbortSignal.any([parent, AbortSignal.timeout(100)]) prints "hung" on Node 20.20 (nodejs/node#57736).
    const module = pathToFileURL(fileURLToPath(new URL('../../dist/core/deadline-signal.js', import.meta.url))).href
    const script = `
      const {deadlineSignal} = await import(${JSON.stringify(module)})
      const signal = deadlineSignal(new AbortController().signal, 100)
      const fired = new Promise((resolve) => signal.addEventListener('abort', () => resolve('fired'), {once: true}))
      const collect = setInterval(() => { globalThis.gc(); new Array(1e5).fill(1) }, 10)
      const result = await Promise.race([fired, new Promise((resolve) => setTimeout(() => resolve('hung'), 2000))])
      clearInterval(collect)
      console.log(result)`
    const {stdout} = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {timeout: 10_000})
    expect(stdout.trim()).toBe('fired')
  })
})
