import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import {TransportSet} from '../../../src/core/transports.js'
import {ftpTransport} from '../../../src/plugins/transports/ftp.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startFtpMirror, type FtpMirror} from '../../helpers/ftp-mirror.js'

const data = makeContent(3000, 9)
const SHA256 = sha256Hex(data)

let mirror: FtpMirror
const transports = new TransportSet({}, [ftpTransport])

beforeAll(async () => {
  mirror = await startFtpMirror({
    files: {
      '/pub/f.iso': data,
      '/pub/SHA256SUMS': Buffer.from(`${'0'.repeat(64)}  g.iso\n${SHA256}  f.iso\n`),
      '/pub/f.iso.meta4': Buffer.from(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.iso"><url>http://http-copy.example/pub/f.iso</url></file></metalink>`),
    },
  })
})

afterAll(async () => {
  await transports.close()
  await mirror.close()
})

describe('neighbours source over FTP', () => {
  it('reads SHA256SUMS and <file>.meta4 next to an ftp:// primary through the FTP transport', async () => {
    const set = await discover({argument: `${mirror.url}pub/f.iso`, sources: ['neighbours'], transports}, {signal: AbortSignal.timeout(20_000)})
    expect(set.target).toMatchObject({name: 'f.iso', size: 3000, checksums: [{algorithm: 'sha256', hex: SHA256}]})
    expect(set.candidates.map((candidate) => candidate.url)).toEqual([`${mirror.url}pub/f.iso`, 'http://http-copy.example/pub/f.iso'])
    expect(set.warnings).toBeUndefined()
  })
})
