// The one behaviour suite every transport passes (http, file, ftp, sftp, and the interop daemons), whatever serves it.
import {createRequire} from 'node:module'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import type {ByteRange, Transport} from '../../../src/plugins/types.js'
import {freeLoopbackPort} from '../../../src/mirrors/free-port.js'

export type ContractFixture = {
  /** Created by the test; the suite closes it in its last case. */
  transport: Transport
  /** Serves `content`. */
  fileUrl: URL
  content: Buffer
  /** Does not exist. */
  missingUrl: URL
  /** The server closes the connection mid-body. */
  closesMidStreamUrl?: URL
  /** Wrong password. */
  badCredentialsUrl?: URL
  /** Connections the server holds open now, when the test runs the server; the sharpest leak check. */
  serverConnections?: () => number
  teardown(): Promise<void>
}

/** Every call gets a deadline, so a transport that hangs fails its case instead of the whole run. */
const CALL_TIMEOUT_MS = 15_000

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** node:dns as the sockets of every transport see it (net and tls call its lookup), so a spy counts their queries. */
const dns = createRequire(import.meta.url)('node:dns') as typeof import('node:dns')


function socketCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length
}

async function settle<T>(promise: Promise<T>): Promise<{value?: T; error?: unknown}> {
  try {
    return {value: await promise}
  } catch (error) {
    return {error}
  }
}

export function describeTransportContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`transport contract: ${name}`, () => {
    let fixture: ContractFixture
    let baselineSockets = 0
    const options = () => ({signal: AbortSignal.timeout(CALL_TIMEOUT_MS)})
    const read = (url: URL, range?: ByteRange) => collect(fixture.transport.read(url, range, options()))

    beforeAll(async () => {
      baselineSockets = socketCount()
      fixture = await setup()
    })
    afterAll(async () => {
      await fixture?.transport.close()
      await fixture?.teardown()
    })

    it('stats size, name and range support', async () => {
      const info = await fixture.transport.stat(fixture.fileUrl, options())
      expect(info.size).toBe(fixture.content.length)
      const segment = fixture.fileUrl.pathname.slice(fixture.fileUrl.pathname.lastIndexOf('/') + 1)
      expect(info.name).toBe(decodeURIComponent(segment))
      expect(info.acceptsRanges).toBe(true)
      expect(Array.isArray(info.digests) && Array.isArray(info.links)).toBe(true)
    })

    it('reads the whole file byte for byte', async () => {
      const data = await read(fixture.fileUrl)
      expect(data.length).toBe(fixture.content.length)
      expect(data.equals(fixture.content)).toBe(true)
    })

    it('reads ranges at the start, middle and end, one byte and the last byte', async () => {
      const size = fixture.content.length
      const ranges: ByteRange[] = [
        {offset: 0, length: 1000},
        {offset: Math.floor(size / 3), length: Math.floor(size / 3)},
        {offset: size - 1000, length: 1000},
        {offset: 12_345, length: 1},
        {offset: size - 1, length: 1},
      ]
      for (const range of ranges) {
        const data = await read(fixture.fileUrl, range)
        expect(data.length, `length of ${JSON.stringify(range)}`).toBe(range.length)
        expect(data.equals(fixture.content.subarray(range.offset, range.offset + range.length)), JSON.stringify(range)).toBe(true)
      }
    })

    it('reports a missing file as ENOTFOUND, not retryable', async () => {
      // One at a time: a second call started early could reject before anything awaits it (an unhandled rejection).
      for (const attempt of [() => fixture.transport.stat(fixture.missingUrl, options()), () => read(fixture.missingUrl)]) {
        const {error} = await settle<unknown>(attempt())
        expect(error).toMatchObject({code: 'ENOTFOUND', retryable: false})
      }
    })

    it('refuses an unresolvable host (.invalid) as EDNS, not retryable, without asking DNS', async (context) => {
      if (fixture.fileUrl.protocol === 'file:') return context.skip('a file: URL names no host')
      const url = new URL(fixture.fileUrl.href)
      url.hostname = 'mirror.invalid'
      const lookups = vi.spyOn(dns, 'lookup')
      try {
        expect((await settle(fixture.transport.stat(url, options()))).error).toMatchObject({code: 'EDNS', retryable: false, exitCode: 5})
        expect((await settle(read(url, {offset: 0, length: 1}))).error).toMatchObject({code: 'EDNS', retryable: false})
        expect(lookups).not.toHaveBeenCalled()
      } finally {
        lookups.mockRestore()
      }
    })

    it('reports a refused loopback port as ECONNREFUSED, retryable', async (context) => {
      if (fixture.fileUrl.protocol === 'file:') return context.skip('a file: URL names no port')
      const url = new URL(fixture.fileUrl.href)
      url.hostname = '127.0.0.1'
      url.port = String(await freeLoopbackPort())
      expect((await settle(fixture.transport.stat(url, options()))).error).toMatchObject({code: 'ECONNREFUSED', retryable: true, exitCode: 5})
    })

    it('reports a connection closed mid-body as a retryable error', async (context) => {
      if (!fixture.closesMidStreamUrl) return context.skip()
      const {error} = await settle(read(fixture.closesMidStreamUrl))
      expect(error).toMatchObject({retryable: true})
      expect(['ESHORT', 'ECONNRESET']).toContain((error as {code: string}).code)
    })

    it('reports bad credentials as EAUTH, not retryable', async (context) => {
      if (!fixture.badCredentialsUrl) return context.skip()
      const {error} = await settle(fixture.transport.stat(fixture.badCredentialsUrl, options()))
      expect(error).toMatchObject({code: 'EAUTH', retryable: false})
    })

    it('opens, where it can: the same facts as stat and the file from byte 0, as far as it says; an unread body ends with its signal', async (context) => {
      if (!fixture.transport.open) return context.skip()
      const stat = await fixture.transport.stat(fixture.fileUrl, options())
      const opened = await fixture.transport.open(fixture.fileUrl, options())
      expect(opened.info).toMatchObject({size: stat.size, name: stat.name, acceptsRanges: true, etag: stat.etag, modifiedAt: stat.modifiedAt})
      expect((await collect(opened.body!)).equals(fixture.content.subarray(0, opened.length ?? fixture.content.length))).toBe(true)

      const controller = new AbortController()
      const unread = await fixture.transport.open(fixture.fileUrl, {signal: controller.signal})
      const reason = new Error('not needed')
      controller.abort(reason)
      expect((await settle(collect(unread.body!))).error).toBe(reason)
      expect((await settle(fixture.transport.open(fixture.missingUrl, options()))).error).toMatchObject({code: 'ENOTFOUND', retryable: false})
    })

    it('frees a read its reader leaves early, so later reads on the transport still complete', async () => {
      for (let round = 0; round < 4; round++) {
        const iterator = fixture.transport.read(fixture.fileUrl, undefined, options())[Symbol.asyncIterator]()
        expect((await iterator.next()).done).toBe(false)
        // What a for-await loop does on break: the stream must end there and give back what it held.
        await iterator.return?.()
        const range = {offset: 1000 * round, length: 2000}
        expect((await read(fixture.fileUrl, range)).equals(fixture.content.subarray(range.offset, range.offset + range.length))).toBe(true)
      }
    })

    it('rejects with the abort reason, promptly, and leaks no socket', async () => {
      const early = new Error('aborted before the start')
      const before = await settle(collect(fixture.transport.read(fixture.fileUrl, undefined, {signal: AbortSignal.abort(early)})))
      expect(before.error).toBe(early)

      const controller = new AbortController()
      const reason = new Error('aborted mid-stream')
      const iterator = fixture.transport.read(fixture.fileUrl, undefined, {signal: controller.signal})[Symbol.asyncIterator]()
      const first = await iterator.next()
      expect(first.done).toBe(false)
      // A read while the first is open needs a second connection, which close() must release too.
      expect((await read(fixture.fileUrl, {offset: 0, length: 1}))[0]).toBe(fixture.content[0])
      const started = performance.now()
      controller.abort(reason)
      const after = await settle(
        (async () => {
          for (let step = 0; step < 10_000; step++) if ((await iterator.next()).done) return
        })(),
      )
      expect(after.error).toBe(reason)
      expect(performance.now() - started).toBeLessThan(2000)

      const closing = performance.now()
      await fixture.transport.close()
      expect(performance.now() - closing).toBeLessThan(2000)
      // Idle client sockets may be unref'd and so missing from the process's resources; the server's count sees them.
      const leaks = () => Math.max(socketCount() - baselineSockets, fixture.serverConnections?.() ?? 0)
      for (let wait = 0; wait < 20 && leaks() > 0; wait++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(leaks()).toBe(0)
    })
  })
}
