// Batch progress: the overall line and active files, and JSON events that name the file they belong to.
import {afterEach, describe, expect, it, vi} from 'vitest'
import {createBatchProgress, renderBatchProgress} from '../../src/cli/batch-progress.js'

describe('batch progress', () => {
  afterEach(() => vi.restoreAllMocks())

  it('renders files done of total, bytes, rate and ETA, then the active files', () => {
    const lines = renderBatchProgress({type: 'batch-progress', files: 200, done: 40, failed: 2, bytes: 20 * 1024 * 1024, rate: 4 * 1024 * 1024, eta: 12, active: [{name: 'a.bin', bytes: 1024, size: 4096}]})
    expect(lines[0]).toMatch(/^42\/200 files \(2 failed\)\s+20(\.0)? MiB\s+4(\.0)? MiB\/s\s+ETA 12/)
    expect(lines[1]).toContain('a.bin')
    expect(lines[1]).toContain('of 4')
  })

  it('writes each file\'s own events with its index and name, and leaves its progress to the batch line', () => {
    const written: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk))
      return true
    })
    const progress = createBatchProgress('json')
    progress.onEvent({type: 'file-start', file: 3, name: 'c.bin'})
    progress.onEvent({type: 'fetch', file: 3, name: 'c.bin', event: {type: 'check', name: 'checksum', ok: true, detail: 'sha256 matches'}})
    progress.onEvent({type: 'fetch', file: 3, name: 'c.bin', event: {type: 'progress', bytes: 1, rate: 1, mirrors: []}})
    const events = written.map((line) => JSON.parse(line))
    expect(events).toEqual([expect.objectContaining({type: 'file-start', file: 3, name: 'c.bin'}), expect.objectContaining({type: 'check', name: 'checksum', file: 3, fileName: 'c.bin'})])
  })
})
