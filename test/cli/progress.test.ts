// Progress output: JSON lines on stderr with progress events throttled, and nothing when stderr is not a terminal.
import {afterEach, describe, expect, it, vi} from 'vitest'
import {createProgress} from '../../src/cli/progress.js'

afterEach(() => vi.restoreAllMocks())

describe('progress', () => {
  it('writes one JSON line per event and at most one progress line per second', () => {
    const lines: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => lines.push(String(text)) > 0)
    const progress = createProgress('json')
    progress.onEvent({type: 'link-cut', link: 1, mirror: 0, url: 'http://a/f', reason: 'slow', offset: 5, rate: 1})
    for (let i = 0; i < 5; i++) progress.onEvent({type: 'progress', bytes: i, size: 10, rate: 1, mirrors: []})
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[0]!)).toMatchObject({type: 'link-cut', reason: 'slow'})
    expect(JSON.parse(lines[1]!)).toMatchObject({type: 'progress', bytes: 0})
  })

  it('stays silent in auto mode when stderr is not a terminal', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const isTTY = process.stderr.isTTY
    Object.defineProperty(process.stderr, 'isTTY', {value: false, configurable: true})
    try {
      createProgress('auto').onEvent({type: 'progress', bytes: 1, size: 10, rate: 1, mirrors: []})
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', {value: isTTY, configurable: true})
    }
    expect(write).not.toHaveBeenCalled()
  })
})
