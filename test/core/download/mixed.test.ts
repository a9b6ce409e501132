// One download from HTTP, FTP and SFTP mirrors at once, through the built-in transports.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fetchFile} from '../../../src/core/download/engine.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startFtpMirror, type FtpMirror} from '../../helpers/ftp-mirror.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {startSftpMirror, type SftpMirror} from '../../helpers/sftp-mirror.js'
import {collector, fileSha256, temporaryDirectory} from './helpers.js'

const SIZE = 2 * 1024 * 1024 + 4321
const content = makeContent(SIZE, 41)

describe('fetchFile over mixed protocols', () => {
  let http: HttpMirror
  let ftp: FtpMirror
  let sftp: SftpMirror
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>

  beforeAll(async () => {
    directory = await temporaryDirectory()
    http = await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 1024 * 1024}})
    ftp = await startFtpMirror({files: {'/f.bin': content}, faults: {bytesPerSecond: 1024 * 1024}})
    sftp = await startSftpMirror({files: {'/f.bin': content}, faults: {bytesPerSecond: 1024 * 1024}})
  })
  afterAll(async () => {
    await Promise.allSettled([http.close(), ftp.close(), sftp.close()])
    await directory.remove()
  })

  it('takes pieces from all three and assembles the exact file', async () => {
    const knownHosts = join(directory.path, 'known_hosts')
    await writeFile(knownHosts, `${sftp.knownHostsLine}\n`)
    const events = collector()
    const output = join(directory.path, 'mixed.bin')
    const sftpUrl = sftp.url.replace('sftp://mirror@', 'sftp://mirror:secret@')
    const summary = await fetchFile(
      {urls: [`${http.url}f.bin`, `${ftp.url}f.bin`, `${sftpUrl}f.bin`], output, pieceLength: 64 * 1024, connections: 6, perMirror: 2, checksums: [{algorithm: 'sha256', hex: sha256Hex(content)}], transport: {knownHosts, connectTimeout: 5000}},
      {onEvent: events.onEvent},
    )
    expect(await fileSha256(output)).toBe(sha256Hex(content))
    expect(summary.mirrors.map((mirror) => mirror.pieces > 0)).toEqual([true, true, true])
    expect(summary.mirrors[2]!.url).not.toContain('secret')
  })
})
