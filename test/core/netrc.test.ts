// netrc credentials: parsing, host and login matching, and URLs redacted in a pipe logging in again through them.
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {findNetrcEntry, parseNetrc, readUserNetrc} from '../../src/core/netrc.js'
import {redactUrl} from '../../src/core/redact.js'
import {TransportSet} from '../../src/core/transports.js'
import {makeContent} from '../helpers/content.js'
import {startFtpMirror} from '../helpers/ftp-mirror.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'

const text = `
# comment line
machine mirror.example.org login alice password s3cret
machine other.example.org
  login bob
  password "quoted"
default login anonymous password guest@
`

describe('parseNetrc and findNetrcEntry', () => {
  const entries = parseNetrc(text)

  it('reads machine entries on one line or many, and the default entry', () => {
    expect(entries).toEqual([
      {machine: 'mirror.example.org', login: 'alice', password: 's3cret'},
      {machine: 'other.example.org', login: 'bob', password: '"quoted"'},
      {login: 'anonymous', password: 'guest@'},
    ])
  })

  it('matches the host case-insensitively, then the login, then falls back to default', () => {
    expect(findNetrcEntry(entries, 'MIRROR.example.org')?.password).toBe('s3cret')
    expect(findNetrcEntry(entries, 'mirror.example.org', 'alice')?.password).toBe('s3cret')
    expect(findNetrcEntry(entries, 'mirror.example.org', 'carol')).toBeUndefined()
    expect(findNetrcEntry(entries, 'unknown.example.org')?.password).toBe('guest@')
    expect(findNetrcEntry(parseNetrc('machine a login x password y'), 'b')).toBeUndefined()
  })

  it('treats a missing file as no entries', () => {
    expect(readUserNetrc('/nonexistent/netrc')).toEqual([])
  })
})

describe('TransportSet with netrc', () => {
  const content = makeContent(40_000, 5)
  let directory: string
  let mirror: Awaited<ReturnType<typeof startFtpMirror>>

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mirrorkit-netrc-'))
    mirror = await startFtpMirror({files: {'/f.bin': content}, user: 'alice', password: 'pw:with@signs'})
    await writeFile(join(directory, 'netrc'), 'machine 127.0.0.1 login alice password pw:with@signs\n')
  })
  afterAll(async () => {
    await mirror.close()
    await rm(directory, {recursive: true, force: true})
  })

  it('logs in with a redacted URL from a pipe, and never hands the password back in finalUrl', async () => {
    const redacted = new URL(redactUrl(`ftp://alice:${encodeURIComponent('pw:with@signs')}@127.0.0.1:${mirror.port}/f.bin`))
    expect(redacted.password).toBe('***')
    const transports = new TransportSet({netrc: join(directory, 'netrc')})
    try {
      const info = await transports.for(redacted).stat(redacted, {signal: AbortSignal.timeout(10_000)})
      expect(info.size).toBe(content.length)
      expect(info.finalUrl).not.toContain('with')
      const chunks: Uint8Array[] = []
      for await (const chunk of transports.for(redacted).read(redacted, {offset: 100, length: 1000}, {signal: AbortSignal.timeout(10_000)})) chunks.push(chunk)
      expect(Buffer.concat(chunks).equals(content.subarray(100, 1100))).toBe(true)
    } finally {
      await transports.close()
    }
  })

  it('fails with EAUTH when netrc has nothing for the host', async () => {
    const redacted = new URL(`ftp://alice:***@127.0.0.1:${mirror.port}/f.bin`)
    const transports = new TransportSet({netrc: false})
    try {
      await expect(transports.for(redacted).stat(redacted, {signal: AbortSignal.timeout(10_000)})).rejects.toMatchObject({code: 'EAUTH'})
    } finally {
      await transports.close()
    }
  })
})

describe('TransportSet with netrc over HTTP', () => {
  const content = makeContent(30_000, 6)
  let directory: string
  let mirror: HttpMirror
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mirrorkit-netrc-http-'))
    mirror = await startHttpMirror({files: {'/f.bin': content}, faults: {auth: {username: 'ann', password: 'p@ss'}}})
    await writeFile(join(directory, 'netrc'), 'machine 127.0.0.1 login ann password p@ss\n')
  })
  afterAll(async () => {
    await mirror.close()
    await rm(directory, {recursive: true, force: true})
  })

  it('opens (stat and first read in one GET) with a redacted URL, and never hands the password back in finalUrl', async () => {
    const redacted = new URL(`${mirror.url.replace('http://', 'http://ann:***@')}f.bin`)
    const transports = new TransportSet({netrc: join(directory, 'netrc')})
    try {
      const opened = await transports.for(redacted).open!(redacted, {signal: AbortSignal.timeout(10_000)})
      expect(opened.info.size).toBe(content.length)
      expect(opened.info.finalUrl).not.toContain('p@ss')
      const chunks: Uint8Array[] = []
      for await (const chunk of opened.body!) chunks.push(chunk)
      expect(Buffer.concat(chunks).equals(content)).toBe(true)
    } finally {
      await transports.close()
    }
  })
})
