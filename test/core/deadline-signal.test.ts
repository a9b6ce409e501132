// Deadline signals fire even when nothing but AbortSignal.any holds them, and follow their parents.
import {describe, expect, it} from 'vitest'
import {deadlineSignal, timeoutSignal} from '../../src/core/deadline-signal.js'

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

  it('fires while only AbortSignal.any and its timer hold the deadline (collected first when gc is exposed)', async () => {
    const gc = (globalThis as {gc?: () => void}).gc
    const signal = deadlineSignal(new AbortController().signal, 200)
    const reason = aborted(signal, 5000)
    // Allocate and collect (when exposed) while the deadline is pending: the timer must still hold it.
    for (let round = 0; round < 5; round++) {
      gc?.()
      void new Array(100_000).fill(round)
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(((await reason) as DOMException).name).toBe('TimeoutError')
  })
})
