// Tests the host history file: EWMA merging, stale entries dropped, atomic writes, and tolerance of a damaged file.
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {HISTORY_MAX_AGE_MS, hostKey, loadHostHistory, mergeObservations, recordHostHistory} from '../../../src/core/ranking/history.js'

const directory = await mkdtemp(join(tmpdir(), 'mirrorkit-history-'))
afterAll(() => rm(directory, {recursive: true, force: true}))

describe('host history', () => {
  it('keys hosts by scheme, host and port, without credentials', () => {
    expect(hostKey('https://user:secret@example.org:8443/a/b.iso')).toBe('https://example.org:8443')
    expect(hostKey('file:///tmp/x')).toBeUndefined()
  })

  it('moves 30% of the way toward each new observation and tracks failures', () => {
    const now = new Date()
    let history = mergeObservations({}, [{url: 'http://a/', bytesPerSecond: 1000, rttMs: 10, failed: false}], now)
    history = mergeObservations(history, [{url: 'http://a/', bytesPerSecond: 2000, failed: false}], now)
    history = mergeObservations(history, [{url: 'http://a/', failed: true}], now)
    expect(history['http://a']).toMatchObject({bytesPerSecond: 1300, rttMs: 10, samples: 3, failureRate: 0.3})
  })

  it('drops hosts not seen for the maximum age', () => {
    const old = new Date(Date.now() - HISTORY_MAX_AGE_MS - 1000).toISOString()
    const merged = mergeObservations({'http://old': {failureRate: 0, samples: 1, updatedAt: old}}, [])
    expect(merged).toEqual({})
  })

  it('writes atomically, merges with what is on disk, and reads a damaged file as empty', async () => {
    const path = join(directory, 'sub', 'hosts.json')
    await recordHostHistory(path, [{url: 'http://a/', bytesPerSecond: 1000, failed: false}])
    await recordHostHistory(path, [{url: 'http://b/', bytesPerSecond: 5000, failed: false}])
    const history = await loadHostHistory(path)
    expect(Object.keys(history).sort()).toEqual(['http://a', 'http://b'])
    expect((await readdir(join(directory, 'sub'))).filter((name) => name.endsWith('.tmp'))).toEqual([])
    await writeFile(path, '{"version":1,"hosts":')
    expect(await loadHostHistory(path)).toEqual({})
    expect(await loadHostHistory(join(directory, 'missing.json'))).toEqual({})
  })
})
