// verify then rank a mix of HTTP and FTP mirrors: the stages see only transports, so protocols mix freely.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../../src/core/model.js'
import {rankMirrors} from '../../../src/core/ranking/rank.js'
import {TransportSet} from '../../../src/core/transports.js'
import {planSampleRanges} from '../../../src/core/verification/sample-plan.js'
import {verifyMirrors} from '../../../src/core/verification/verify.js'
import {makeContent} from '../../helpers/content.js'
import {startFtpMirror, type FtpMirror} from '../../helpers/ftp-mirror.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const SIZE = 1024 * 1024
const content = makeContent(SIZE, 8)
const SEED = 99
const badOffset = planSampleRanges(SIZE, 4, 32 * 1024, SEED).ranges[2]!.offset + 7
const transports = new TransportSet()
let http: HttpMirror
let ftp: FtpMirror
let badFtp: FtpMirror

beforeAll(async () => {
  http = await startHttpMirror({files: {'/pub/f.bin': content}, faults: {bandwidth: 3_000_000}})
  ftp = await startFtpMirror({files: {'/pub/f.bin': content}, faults: {bytesPerSecond: 800_000}})
  badFtp = await startFtpMirror({files: {'/pub/f.bin': content}, faults: {corrupt: [badOffset]}})
})
afterAll(async () => {
  await transports.close()
  await Promise.all([http.close(), ftp.close(), badFtp.close()])
})

describe('verify and rank across protocols', () => {
  it('verifies FTP mirrors against an HTTP primary and ranks the good ones by speed', async () => {
    const signal = AbortSignal.timeout(30_000)
    const set: MirrorSet = {
      version: 1,
      target: {name: 'f.bin', primary: `${http.url}pub/f.bin`, checksums: []},
      candidates: [{url: `${badFtp.url}pub/f.bin`, foundBy: []}, {url: `${ftp.url}pub/f.bin`, foundBy: []}],
    }
    const verified = await verifyMirrors(set, {samples: 4, sampleSize: 32 * 1024, seed: SEED, transports}, {signal})
    expect(verified.candidates.map((candidate) => [candidate.url, candidate.verify?.status])).toEqual([
      [`${http.url}pub/f.bin`, 'ok'],
      [`${badFtp.url}pub/f.bin`, 'mismatch'],
      [`${ftp.url}pub/f.bin`, 'ok'],
    ])
    const ranked = await rankMirrors(verified, {rttSamples: 2, throughput: {minMs: 200, maxMs: 500, windowMs: 50, maxBytes: 512 * 1024}, transports}, {signal})
    expect(ranked.candidates.map((candidate) => candidate.url)).toEqual([`${http.url}pub/f.bin`, `${ftp.url}pub/f.bin`, `${badFtp.url}pub/f.bin`])
    const ftpRank = ranked.candidates[1]!.rank!
    expect(ftpRank.protocolMs?.samples).toBe(2)
    expect(ftpRank.bytesPerSecond).toBeGreaterThan(500_000)
    expect(ftpRank.bytesPerSecond).toBeLessThan(1_100_000)
  })

  it('stops promptly with EABORTED when the run is interrupted', async () => {
    const controller = new AbortController()
    const set: MirrorSet = {version: 1, target: {name: 'f.bin', size: SIZE, checksums: []}, candidates: [{url: `${ftp.url}pub/f.bin`, foundBy: []}]}
    const started = performance.now()
    setTimeout(() => controller.abort(), 300)
    await expect(rankMirrors(set, {throughput: {minMs: 5000, maxMs: 10_000}, transports}, {signal: controller.signal})).rejects.toMatchObject({code: 'EABORTED'})
    expect(performance.now() - started).toBeLessThan(2000)
    // The aborted probe's control and data connections are closed, not left to the server's timeout.
    for (let attempt = 0; attempt < 40 && ftp.stats.openSockets > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(ftp.stats.openSockets).toBe(0)
  })
})
