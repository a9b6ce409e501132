// Round-trip probes against local servers: TCP connect, TLS handshake (self-signed, fails closed), HTTP ping, refusal, abort.
import {execFileSync} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {createServer as createTcpServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createServer as createTlsServer} from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {measureRtt} from '../../../src/core/ranking/rtt.js'
import {TransportSet} from '../../../src/core/transports.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

let directory: string
let tlsServer: Server
let tlsPort: number
let mirror: HttpMirror
let closedPort: number
const transports = new TransportSet()

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)))

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-rtt-'))
  const key = join(directory, 'key.pem')
  const cert = join(directory, 'cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '1'], {stdio: 'ignore'})
  tlsServer = createTlsServer({key: await readFile(key), cert: await readFile(cert)}, (socket) => socket.end())
  tlsPort = await listen(tlsServer)
  mirror = await startHttpMirror({files: {'/f.bin': Buffer.alloc(1024)}, faults: {firstByteDelayMs: 80}})
  const probe = createTcpServer()
  closedPort = await listen(probe)
  await new Promise((resolve) => probe.close(resolve))
})
afterAll(async () => {
  await transports.close()
  await mirror.close()
  await new Promise((resolve) => tlsServer.close(resolve))
  await rm(directory, {recursive: true, force: true})
})

const options = (extra = {}) => ({samples: 3, timeoutMs: 2000, signal: AbortSignal.timeout(20_000), ...extra})

describe('measureRtt', () => {
  it('times TCP connects and HTTP round trips apart: the server delay shows in the ping only', async () => {
    const url = new URL(`${mirror.url}f.bin`)
    const result = await measureRtt(url, transports.for(url), options())
    expect(result.connectMs).toMatchObject({samples: 3})
    expect(result.connectMs!.median).toBeLessThan(60)
    expect(result.protocolMs!.median).toBeGreaterThanOrEqual(75)
    expect(result.protocolMs!.p90).toBeGreaterThanOrEqual(result.protocolMs!.median)
    expect(result.tlsMs).toBeUndefined()
  })

  it('times the TLS handshake of https URLs, and fails closed on an untrusted certificate', async () => {
    const url = new URL(`https://127.0.0.1:${tlsPort}/f.bin`)
    const insecure = await measureRtt(url, undefined, options({insecure: true}))
    expect(insecure.tlsMs!.samples).toBe(3)
    expect(insecure.tlsMs!.median).toBeGreaterThan(0)
    await expect(measureRtt(url, undefined, options())).rejects.toMatchObject({code: 'ETLS'})
  })

  it('reports a refused connection as ECONNREFUSED', async () => {
    await expect(measureRtt(new URL(`http://127.0.0.1:${closedPort}/`), undefined, options())).rejects.toMatchObject({code: 'ECONNREFUSED'})
  })

  it('stops promptly when aborted', async () => {
    const url = new URL(`${mirror.url}f.bin`)
    const controller = new AbortController()
    const started = performance.now()
    setTimeout(() => controller.abort(new Error('stop')), 100)
    await expect(measureRtt(url, transports.for(url), options({samples: 50, signal: controller.signal}))).rejects.toThrow()
    expect(performance.now() - started).toBeLessThan(1500)
  })
})
