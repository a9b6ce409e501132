// The part file: positional writes, and disk failures (a full tmpfs, a missing directory, a planted symlink) that end with exit code 6 and the state kept.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fetchFile} from '../../../src/core/download/engine.js'
import {writeControl, type ControlState} from '../../../src/core/download/control-file.js'
import {FileSink} from '../../../src/core/download/file-sink.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {temporaryDirectory, transportFactories} from './helpers.js'

const directory = await temporaryDirectory()
const tiny = join(directory.path, 'tiny')

/** A 256 KiB tmpfs, when we may mount one (root on Linux); the ENOSPC test is skipped otherwise, except in CI, where it fails. */
function mountTiny(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
  try {
    mkdirSync(tiny)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', tiny], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}
const mounted = mountTiny()

describe('FileSink and disk failures', () => {
  let mirror: HttpMirror
  const content = makeContent(1024 * 1024, 3)
  beforeAll(async () => {
    mirror = await startHttpMirror({files: {'/f.bin': content}})
  })
  afterAll(async () => {
    await mirror.close()
    if (mounted) execFileSync('umount', [tiny], {stdio: 'ignore'})
    await directory.remove()
  })

  it('writes at any position of a file sized up front', async () => {
    const path = join(directory.path, 'sink.part')
    const sink = await FileSink.open(path, 10, false)
    await sink.write(Buffer.from('world'), 5)
    await sink.write(Buffer.from('hello'), 0)
    await sink.sync()
    expect((await sink.read(0, 10)).toString()).toBe('helloworld')
    await sink.close()
    expect((await readFile(path)).toString()).toBe('helloworld')
  })

  it('writes the same bytes in place and, after a slow write, through the thread pool', async () => {
    const path = join(directory.path, 'paths.part')
    const sink = await FileSink.open(path, 12, false)
    await sink.writev([Buffer.from('ab'), Buffer.from('cd')], 0)
    // As if the disk had just throttled a write: the next ones go through the thread pool for a while.
    ;(sink as unknown as {threadPoolUntil: number}).threadPoolUntil = performance.now() + 60_000
    await sink.writev([Buffer.from('ef'), Buffer.from('gh')], 4)
    await sink.write(Buffer.from('ijkl'), 8)
    await sink.close()
    expect((await readFile(path)).toString()).toBe('abcdefghijkl')
  })

  it('writes through the thread pool while a sync runs, and in place again once it ended', async () => {
    const path = join(directory.path, 'syncing.part')
    const sink = await FileSink.open(path, 8, false)
    const handle = (sink as unknown as {handle: {write: (...args: unknown[]) => Promise<unknown>}}).handle
    const pooled: number[] = []
    const write = handle.write.bind(handle)
    handle.write = (...args: unknown[]) => {
      pooled.push(args[3] as number)
      return write(...args)
    }
    const synced = sink.sync()
    await sink.write(Buffer.from('abcd'), 0)
    await synced
    await sink.write(Buffer.from('efgh'), 4)
    await sink.close()
    expect(pooled).toEqual([0])
    expect((await readFile(path)).toString()).toBe('abcdefgh')
  })

  it('refuses to write through a symbolic link planted as the part file or the control file\'s temp file', async () => {
    const victim = join(directory.path, 'victim.txt')
    writeFileSync(victim, 'precious')
    const output = join(directory.path, 'linked.bin')
    symlinkSync(victim, `${output}.part`)
    await expect(fetchFile({urls: [`${mirror.url}f.bin`], output, transportFactories})).rejects.toMatchObject({code: 'ESYMLINK', exitCode: 6})
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    const kept = join(directory.path, 'kept.part')
    symlinkSync(victim, kept)
    await expect(FileSink.open(kept, 10, true)).rejects.toMatchObject({code: 'ESYMLINK'})
    const control = join(directory.path, 'state.mirrorkit')
    symlinkSync(victim, `${control}.tmp`)
    await expect(writeControl(control, {} as ControlState)).rejects.toMatchObject({code: 'ESYMLINK'})
    expect(readFileSync(victim, 'utf8')).toBe('precious')
  })

  it('ends with EDISK (exit 6) when the output directory does not exist', async () => {
    const output = join(directory.path, 'no', 'such', 'dir', 'f.bin')
    await expect(fetchFile({urls: [`${mirror.url}f.bin`], output, transportFactories})).rejects.toMatchObject({code: 'EDISK', exitCode: 6})
  })

  // As with the interop tier: in CI (CI=true) a test that cannot run is a failure, not a silent skip.
  it.skipIf(!mounted && process.env.CI !== 'true')('ends with ENOSPC (exit 6) on a full disk and keeps the part file', async () => {
    if (!mounted) throw new Error('CI=true but no tmpfs could be mounted for the ENOSPC test: run the tests as root (mount needs it)')
    const output = join(tiny, 'f.bin')
    await expect(fetchFile({urls: [`${mirror.url}f.bin`], output, pieceLength: 64 * 1024, transportFactories})).rejects.toMatchObject({code: 'ENOSPC', exitCode: 6})
    expect(existsSync(`${output}.part`)).toBe(true)
  })
})
