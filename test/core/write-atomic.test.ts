import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {writeFileAtomic} from '../../src/core/write-atomic.js'

let directory: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-atomic-'))
})

afterAll(async () => {
  await rm(directory, {recursive: true, force: true})
})

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file behind', async () => {
    const path = join(directory, 'out.meta4')
    await writeFile(path, 'old')
    await writeFileAtomic(path, 'new content', {signal: AbortSignal.timeout(5000)})
    expect(await readFile(path, 'utf8')).toBe('new content')
    expect(await readdir(directory)).toEqual(['out.meta4'])
  })

  it('fails with a disk error code when the directory does not exist, and refuses to start when aborted', async () => {
    await expect(writeFileAtomic(join(directory, 'missing', 'x'), 'x', {signal: AbortSignal.timeout(5000)})).rejects.toMatchObject({
      code: 'EDISK',
      exitCode: 6,
    })
    await expect(writeFileAtomic(join(directory, 'y'), 'y', {signal: AbortSignal.abort(new Error('stopped'))})).rejects.toThrow('stopped')
    expect(await readdir(directory)).toEqual(['out.meta4'])
  })
})
