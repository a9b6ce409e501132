// The control file: run-length encoding of done pieces, atomic writes, and unreadable states ignored.
import {afterAll, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {encodeDone, readControl, removeControl, writeControl, type ControlState} from '../../../src/core/download/control-file.js'
import {temporaryDirectory} from './helpers.js'

const directory = await temporaryDirectory()
afterAll(() => directory.remove())

describe('control file', () => {
  it('encodes done pieces as runs per mirror', () => {
    const done = Uint8Array.from([1, 1, 0, 1, 1, 1])
    const by = Int32Array.from([0, 0, -1, 1, 1, 0])
    expect(encodeDone(done, by)).toEqual([[0, 2, 0], [3, 5, 1], [5, 6, 0]])
  })

  it('writes atomically and reads back; leaves no temp file', async () => {
    const path = join(directory.path, 'a.mirrorkit')
    const state: ControlState = {version: 1, name: 'a', size: 10, pieceLength: 4, target: {url: 'http://x/a', etag: '"e"'}, mirrors: [{url: 'http://x/a'}], done: [[0, 2, 0]]}
    await writeControl(path, state)
    expect(await readControl(path)).toEqual(state)
    expect(existsSync(`${path}.tmp`)).toBe(false)
    await removeControl(path)
    expect(await readControl(path)).toBeUndefined()
  })

  it('ignores a torn or foreign file instead of trusting it', async () => {
    const path = join(directory.path, 'b.mirrorkit')
    await writeFile(path, '{"version":1,"done":[[0,')
    expect(await readControl(path)).toBeUndefined()
    await writeFile(path, JSON.stringify({version: 2, done: [], pieceLength: 1}))
    expect(await readControl(path)).toBeUndefined()
  })
})
