// The first mirror's opening GET on a real local server: a prompt answer is kept, a silent one gives way to a stat, and an unused body ends with its link.
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {continueOpened, openFirst} from '../../../src/core/download/opened-read.js'
import {HttpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collect} from '../../plugins/transports/contract.js'

describe('openFirst', () => {
  const content = makeContent(200_000, 5)
  let mirror: HttpMirror
  let transport: HttpTransport
  const url = () => new URL('f.bin', mirror.url)
  const options = (waitMs: number) => ({signal: AbortSignal.timeout(10_000), waitMs, statTimeoutMs: 5000})

  beforeAll(async () => {
    mirror = await startHttpMirror({files: {'/f.bin': content}})
    transport = new HttpTransport({})
  })
  beforeEach(() => mirror.setFaults({}))
  afterAll(async () => {
    await transport.close()
    await mirror.close()
  })

  it('keeps the answer of a prompt GET, with its body and its time to answer', async () => {
    const opened = await openFirst(transport, url(), options(2000))
    expect(opened.info.size).toBe(content.length)
    expect(opened.setupMs).toBeGreaterThanOrEqual(0)
    expect(opened.read?.offset).toBe(0)
    expect((await collect(opened.read!.body)).equals(content)).toBe(true)
  })

  it('replaces a GET that gets no answer within the wait by a plain stat', async () => {
    // A server that stalls before its first body byte never sends the headers either (Node sends them with the body).
    mirror.setFaults({stallAfter: 0})
    const started = Date.now()
    const opened = await openFirst(transport, url(), options(300))
    expect(opened.read).toBeUndefined()
    expect(opened.info).toMatchObject({size: content.length, acceptsRanges: true})
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('ends the opened request when the link that continues it ends', async () => {
    const {read} = await openFirst(transport, url(), options(2000))
    const link = new AbortController()
    const body = continueOpened(read!, link.signal)
    const reason = new Error('link cut')
    link.abort(reason)
    expect(read!.controller.signal.reason).toBe(reason)
    await expect(collect(body)).rejects.toBe(reason)
  })
})
