// Starts the demo's local mirrors on 127.0.0.1 (HTTP at three speeds, FTP, SFTP, a corrupt one, a search page, a metalink) and stops them all.
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {writeMetalink} from '../formats/metalink-write.js'
import type {EngineDefinition} from '../discovery/engine-definition.js'
import {startFtpMirror} from '../../mirrors/ftp-mirror.js'
import {startHttpMirror} from '../../mirrors/http-mirror.js'
import {startSftpMirror} from '../../mirrors/sftp-mirror.js'
import {MIRRORSET_VERSION} from '../model.js'
import {planSamplePieces} from '../verification/sample-plan.js'
import {sha256Hex} from '../../mirrors/content.js'
import {generateSshKeyPair} from '../../mirrors/ssh-keys.js'

const MB = 1_000_000

export type DemoMirror = {
  role: string
  url: string
  /** Bandwidth cap in bytes per second. */
  bytesPerSecond?: number
  /** How discovery is expected to find it. */
  listedBy: 'primary' | 'metalink' | 'search'
  /** What verify should conclude about it. */
  expected: 'ok' | 'mismatch' | 'unreachable'
  /** Set for the mirror that fools verify's samples and must be caught by piece hashes during fetch. */
  caughtByPieces?: boolean
}

export type DemoMirrors = {
  primaryUrl: string
  mirrors: DemoMirror[]
  /** The search engine definition (data, like a user's own) pointing at the local search page. */
  engine: EngineDefinition
  knownHostsPath: string
  identityPath: string
  close(): Promise<void>
}

export type DemoMirrorOptions = {
  name: string
  content: Buffer
  sha256: string
  directory: string
  /** The pieces verify will sample (its sample count and seed), which the sneaky mirror serves honestly. */
  verifySamples: {samples: number; seed: number}
  speeds?: {fast: number; medium: number; slow: number}
}

/** About 32 pieces whatever the size (64 KiB to 1 MiB each), so even a small demo has pieces to lie about. */
function pieceLengthFor(size: number): number {
  let length = 64 * 1024
  while (length < 1024 * 1024 && length * 32 < size) length *= 2
  return length
}

/** Piece hashes for the metalink, and one flipped byte in every piece verify will not sample. */
function pieceFacts(content: Buffer, verifySamples: {samples: number; seed: number}) {
  const length = pieceLengthFor(content.length)
  const count = Math.ceil(content.length / length)
  const hashes = Array.from({length: count}, (_, index) => sha256Hex(content.subarray(index * length, (index + 1) * length)))
  const sampled = new Set(planSamplePieces(count, verifySamples.samples, verifySamples.seed))
  const unsampled = hashes.map((_, index) => index).filter((index) => !sampled.has(index))
  return {pieces: {length, algorithm: 'sha256' as const, hashes}, lies: unsampled.map((index) => ({offset: index * length + Math.floor(length / 2), length: 1}))}
}

export async function startDemoMirrors(options: DemoMirrorOptions): Promise<DemoMirrors> {
  const {name, content, directory} = options
  const speeds = options.speeds ?? {fast: 8 * MB, medium: 4 * MB, slow: 2 * MB}
  const closers: Array<() => Promise<void>> = []
  const close = async () => {
    await Promise.allSettled(closers.map((closer) => closer()))
  }
  try {
    const files = {[name]: content}
    const started = async <T extends {close(): Promise<void>}>(mirror: Promise<T>): Promise<T> => {
      const value = await mirror
      closers.push(() => value.close())
      return value
    }
    const medium = await started(startHttpMirror({files, faults: {bandwidth: speeds.medium}}))
    const slow = await started(startHttpMirror({files, faults: {bandwidth: speeds.slow}}))
    // Every byte flipped: any sampled range gives it away, whichever seed verify picks.
    const corrupt = await started(startHttpMirror({files, faults: {bandwidth: speeds.fast, corrupt: [{offset: 0, length: content.length}]}}))
    const {pieces, lies} = pieceFacts(content, options.verifySamples)
    const sneaky = await started(startHttpMirror({files, faults: {bandwidth: speeds.medium, corrupt: lies}}))
    const ftp = await started(startFtpMirror({files, faults: {bytesPerSecond: 3 * MB}}))
    const clientKey = generateSshKeyPair()
    const sftp = await started(startSftpMirror({files, faults: {bytesPerSecond: 3 * MB}, publicKeys: [clientKey.public]}))
    const identityPath = join(directory, 'id_ed25519')
    const knownHostsPath = join(directory, 'known_hosts')
    await writeFile(identityPath, clientKey.private, {mode: 0o600})
    await writeFile(knownHostsPath, sftp.knownHostsLine + '\n')

    // A stale search hit: a real server that no longer has the file there.
    const stale = `${slow.url}old/${name}`
    const mirrors: DemoMirror[] = [
      {role: 'http fast (primary)', url: '', bytesPerSecond: speeds.fast, listedBy: 'primary', expected: 'ok'},
      {role: 'http medium', url: `${medium.url}${name}`, bytesPerSecond: speeds.medium, listedBy: 'search', expected: 'ok'},
      {role: 'http corrupt', url: `${corrupt.url}${name}`, bytesPerSecond: speeds.fast, listedBy: 'search', expected: 'mismatch'},
      // Honest exactly where verify looks: only the piece hashes checked during fetch can catch it.
      {role: 'http sneaky (bad unsampled pieces)', url: `${sneaky.url}${name}`, bytesPerSecond: speeds.medium, listedBy: 'search', expected: 'ok', caughtByPieces: lies.length > 0},
      {role: 'http stale (no file)', url: stale, listedBy: 'search', expected: 'unreachable'},
      {role: 'http slow', url: `${slow.url}${name}`, bytesPerSecond: speeds.slow, listedBy: 'metalink', expected: 'ok'},
      {role: 'ftp', url: `${ftp.url}${name}`, bytesPerSecond: 3 * MB, listedBy: 'metalink', expected: 'ok'},
      {role: 'sftp (key auth, host key checked)', url: `${sftp.url}${name}`, bytesPerSecond: 3 * MB, listedBy: 'metalink', expected: 'ok'},
    ]
    const results = JSON.stringify({results: mirrors.filter((mirror) => mirror.listedBy === 'search').map((mirror) => ({url: mirror.url, title: name}))})
    const metalink = writeMetalink({
      version: MIRRORSET_VERSION,
      target: {name, size: content.length, checksums: [{algorithm: 'sha256', hex: options.sha256}], pieces},
      candidates: mirrors.filter((mirror) => mirror.listedBy === 'metalink').map((mirror) => ({url: mirror.url, foundBy: []})),
    })
    // Served next to the file as <name>.meta4, where the neighbours source looks.
    const primary = await started(
      startHttpMirror({files: {...files, [`${name}.meta4`]: metalink}, perPath: {[name]: {bandwidth: speeds.fast}}}),
    )
    mirrors[0]!.url = `${primary.url}${name}`
    const search = await started(startHttpMirror({files: {search: results}, perPath: {search: {headers: {'content-type': 'application/json'}}}}))
    return {
      primaryUrl: mirrors[0]!.url,
      mirrors,
      engine: {
        name: 'demo-search',
        kind: 'json',
        base: search.url.replace(/\/$/, ''),
        path: '/search?q={query}&format=json',
        queries: ['{name}'],
        results: {jsonPath: 'results[].url', titlePath: 'results[].title'},
        intervalMs: 0,
        timeoutMs: 5000,
      },
      knownHostsPath,
      identityPath,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
