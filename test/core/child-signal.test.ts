import {describe, expect, it} from 'vitest'
import {childSignal} from '../../src/core/child-signal.js'

describe('childSignal', () => {
  it('follows its parent, with the parent\'s reason', () => {
    const parent = new AbortController()
    const child = childSignal(parent.signal)
    parent.abort(new Error('stop'))
    expect(child.signal.reason).toEqual(new Error('stop'))
  })

  it('aborts with a TimeoutError at its deadline, and never after dispose', async () => {
    const parent = new AbortController()
    const timed = childSignal(parent.signal, 20)
    await new Promise((resolve) => timed.signal.addEventListener('abort', resolve, {once: true}))
    expect((timed.signal.reason as DOMException).name).toBe('TimeoutError')
    const disposed = childSignal(parent.signal, 20)
    disposed.dispose()
    const later = childSignal(parent.signal, 60)
    await new Promise((resolve) => later.signal.addEventListener('abort', resolve, {once: true}))
    expect(disposed.signal.aborted).toBe(false)
    parent.abort()
    expect(disposed.signal.aborted).toBe(false)
  })
})
