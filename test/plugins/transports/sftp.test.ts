// The SFTP transport against the local SFTP mirror: host-key checks, auth, exact ranged reads, aborts and error codes.
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {Transport, TransportOptions} from '../../../src/plugins/types.js'
import {sftpTransport} from '../../../src/plugins/transports/sftp.js'
import {endSftp, openSftp, socketOf} from '../../../src/plugins/transports/sftp-connect.js'
import {CALLS_PER_CONNECTION} from '../../../src/plugins/transports/sftp-pool.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startSftpMirror, type SftpMirror} from '../../helpers/sftp-mirror.js'
import {describeTransportContract} from './contract.js'
import {generateSshKeyPair} from '../../../src/mirrors/ssh-keys.js'
import {collect, failure, socketsSettle} from '../../helpers/transport-calls.js'
import {until} from '../../helpers/until.js'

const content = makeContent(400 * 1024 + 3, 5)
const clientKey = generateSshKeyPair()
let mirror: SftpMirror
let keyed: SftpMirror
let directory: string
let options: TransportOptions




const signal = () => AbortSignal.timeout(10_000)
const made: Transport[] = []
/** A transport closed after the case, so pooled idle connections never outlive it. */
const create = (settings: TransportOptions) => {
  const transport = sftpTransport.create(settings)
  made.push(transport)
  return transport
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((transport) => transport.close()))
})
const fileUrl = (server: SftpMirror, auth = 'mirror:secret') => new URL(`sftp://${auth}@127.0.0.1:${server.port}/file.bin`)

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-sftp-'))
  mirror = await startSftpMirror({files: {'file.bin': content}, password: 'secret'})
  keyed = await startSftpMirror({files: {'file.bin': content}, publicKeys: [clientKey.public]})
  await writeFile(join(directory, 'known_hosts'), `# test hosts\n${mirror.knownHostsLine}\n${keyed.knownHostsLine}\n`)
  await writeFile(join(directory, 'id_ed25519'), clientKey.private, {mode: 0o600})
  options = {knownHosts: join(directory, 'known_hosts'), connectTimeout: 5000}
})

afterAll(async () => {
  await mirror?.close()
  await keyed?.close()
  if (directory) await rm(directory, {recursive: true, force: true})
})

describe('sftp transport', () => {
  it('stats size, name and modification time with password auth', async () => {
    const info = await create(options).stat(fileUrl(mirror), {signal: signal()})
    expect([info.size, info.name, info.acceptsRanges]).toEqual([content.length, 'file.bin', true])
    expect(info.modifiedAt?.toISOString()).toBe('2024-01-01T00:00:00.000Z')
  })

  it('reads the whole file and exact ranges, then leaves no connection open', async () => {
    const transport = create(options)
    expect(sha256Hex(await collect(transport.read(fileUrl(mirror), undefined, {signal: signal()})))).toBe(sha256Hex(content))
    const middle = await collect(transport.read(fileUrl(mirror), {offset: 12_345, length: 150_001}, {signal: signal()}))
    expect(middle.equals(content.subarray(12_345, 162_346))).toBe(true)
    const tail = await collect(transport.read(fileUrl(mirror), {offset: content.length - 1, length: 1}, {signal: signal()}))
    expect(tail.equals(content.subarray(content.length - 1))).toBe(true)
    await transport.close()
    expect(await socketsSettle(mirror)).toBe(0)
  })

  it('reuses one idle connection for consecutive calls', async () => {
    const transport = create(options)
    const before = mirror.stats.connections
    await transport.stat(fileUrl(mirror), {signal: signal()})
    await collect(transport.read(fileUrl(mirror), {offset: 0, length: 100_000}, {signal: signal()}))
    await expect(transport.stat(new URL(`sftp://mirror:secret@127.0.0.1:${mirror.port}/nope.bin`), {signal: signal()})).rejects.toMatchObject({code: 'ENOTFOUND'})
    await transport.ping!(fileUrl(mirror), {signal: signal()})
    expect(mirror.stats.connections - before).toBe(1)
    // A read stopped early with nobody else on its connection ends it: its READs are still in flight.
    for await (const chunk of transport.read(fileUrl(mirror), undefined, {signal: signal()})) if (chunk.length > 0) break
    await transport.close()
    expect(await socketsSettle(mirror)).toBe(0)
  })

  it('shares one connection between concurrent calls, up to CALLS_PER_CONNECTION, so a new read skips the SSH handshake', async () => {
    const transport = create(options)
    const before = mirror.stats.connections
    // All start before any connection exists: they wait for the one being opened instead of opening their own.
    const offsets = Array.from({length: CALLS_PER_CONNECTION}, (_, index) => index * 1000)
    const [info, ...reads] = await Promise.all([
      transport.stat(fileUrl(mirror), {signal: signal()}),
      ...offsets.slice(1).map((offset) => collect(transport.read(fileUrl(mirror), {offset, length: 50_000}, {signal: signal()}))),
    ])
    expect(info).toMatchObject({size: content.length})
    reads.forEach((bytes, index) => expect(bytes.equals(content.subarray(offsets[index + 1], offsets[index + 1]! + 50_000))).toBe(true))
    expect(mirror.stats.connections - before).toBe(1)
    // One more than fit on a connection opens a second.
    await Promise.all(Array.from({length: CALLS_PER_CONNECTION + 1}, () => collect(transport.read(fileUrl(mirror), {offset: 0, length: 20_000}, {signal: signal()}))))
    expect(mirror.stats.connections - before).toBe(2)
    await transport.close()
    expect(await socketsSettle(mirror)).toBe(0)
  })

  it('keeps a shared connection when one of its reads stops early, and the others read on unharmed', async () => {
    const transport = create(options)
    const before = mirror.stats.connections
    // A read held after its first chunk keeps its share of the connection until it is read to the end below.
    const held = transport.read(fileUrl(mirror), undefined, {signal: signal()})[Symbol.asyncIterator]()
    const first = await held.next()
    const controller = new AbortController()
    const stopped = (async () => {
      for await (const chunk of transport.read(fileUrl(mirror), {offset: 1000, length: 300_000}, {signal: controller.signal})) {
        if (chunk.length > 0) controller.abort(new Error('cut'))
      }
    })()
    await expect(stopped).rejects.toThrow('cut')
    // The consumer stops iterating instead of aborting: the same.
    for await (const chunk of transport.read(fileUrl(mirror), {offset: 5, length: 200_000}, {signal: signal()})) if (chunk.length > 0) break
    const after = await collect(transport.read(fileUrl(mirror), {offset: 7, length: 70_000}, {signal: signal()}))
    expect(after.equals(content.subarray(7, 70_007))).toBe(true)
    const rest: Uint8Array[] = [first.value as Uint8Array]
    for (let next = await held.next(); !next.done; next = await held.next()) rest.push(next.value)
    expect(sha256Hex(Buffer.concat(rest))).toBe(sha256Hex(content))
    expect(mirror.stats.connections - before).toBe(1)
    await transport.close()
    expect(await socketsSettle(mirror)).toBe(0)
  })

  it('pipelines its READs: several are in flight at once, not one per round trip', async () => {
    // Throttled, so the server holds the READs it has not answered yet and the peak shows how many the client sent ahead.
    mirror.setFaults({bytesPerSecond: 1024 * 1024})
    try {
      mirror.stats.peakPendingReads = 0
      const bytes = await collect(create(options).read(fileUrl(mirror), {offset: 0, length: 300_000}, {signal: signal()}))
      expect(bytes.equals(content.subarray(0, 300_000))).toBe(true)
      expect(mirror.stats.peakPendingReads).toBeGreaterThanOrEqual(4)
    } finally {
      mirror.setFaults({})
    }
  })

  it('turns Nagle off on the SSH socket, whose small handshake writes it would hold for a delayed ACK', async () => {
    const connection = await openSftp(fileUrl(mirror), options, signal(), 'stat')
    try {
      const socket = socketOf(connection.client)!
      const noDelay = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'kSetNoDelay')
      expect(noDelay && (socket as unknown as Record<symbol, unknown>)[noDelay]).toBe(true)
    } finally {
      await endSftp(connection)
    }
  })

  it('logs in with an identity key file', async () => {
    const transport = create({...options, identity: join(directory, 'id_ed25519')})
    const bytes = await collect(transport.read(new URL(`sftp://mirror@127.0.0.1:${keyed.port}/file.bin`), {offset: 0, length: 1000}, {signal: signal()}))
    expect(bytes.equals(content.subarray(0, 1000))).toBe(true)
  })

  it('refuses an unknown host key with its fingerprint and the opt-out flag, unless told to accept it', async () => {
    const empty = join(directory, 'empty_known_hosts')
    await writeFile(empty, '')
    const error = await failure(create({...options, knownHosts: empty}).stat(fileUrl(mirror), {signal: signal()}))
    expect([error.code, error.retryable]).toEqual(['EHOSTKEY', false])
    expect(error.message).toMatch(/ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}/)
    expect(error.message).toContain('--accept-unknown-host-keys')
    const accepted = await create({...options, knownHosts: empty, acceptUnknownHostKeys: true}).stat(fileUrl(mirror), {signal: signal()})
    expect(accepted.size).toBe(content.length)
  })

  it('refuses a changed host key', async () => {
    const changed = join(directory, 'changed_known_hosts')
    const other = generateSshKeyPair().public
    await writeFile(changed, `[127.0.0.1]:${mirror.port} ${other}\n`)
    const error = await failure(create({...options, knownHosts: changed}).stat(fileUrl(mirror), {signal: signal()}))
    expect(error.code).toBe('EHOSTKEY')
    expect(error.message).toContain('CHANGED')
  })

  it('maps a bad password to EAUTH without showing it, and a missing file to ENOTFOUND', async () => {
    const transport = create(options)
    const denied = await failure(transport.stat(fileUrl(mirror, 'mirror:wrong-pass'), {signal: signal()}))
    expect([denied.code, denied.retryable]).toEqual(['EAUTH', false])
    expect(denied.message).not.toContain('wrong-pass')
    const missing = await failure(transport.stat(new URL(`sftp://mirror:secret@127.0.0.1:${mirror.port}/nope.bin`), {signal: signal()}))
    expect([missing.code, missing.exitCode]).toEqual(['ENOTFOUND', 3])
    const missingRead = await failure(collect(transport.read(new URL(`sftp://mirror:secret@127.0.0.1:${mirror.port}/nope.bin`), {offset: 0, length: 5}, {signal: signal()})))
    expect(missingRead.code).toBe('ENOTFOUND')
  })

  it('reports a connection dropped mid-read as a retryable error', async () => {
    mirror.setFaults({disconnectAfter: 100_000})
    try {
      const error = await failure(collect(create(options).read(fileUrl(mirror), {offset: 0, length: 300_000}, {signal: signal()})))
      expect(error.retryable).toBe(true)
    } finally {
      mirror.setFaults({})
    }
  })

  it('stops promptly on abort mid-stream, with the signal reason, and releases the connection', async () => {
    mirror.setFaults({stallAfter: 64 * 1024})
    try {
      const controller = new AbortController()
      const reason = new Error('user stop')
      let received = 0
      const started = performance.now()
      const reading = (async () => {
        for await (const chunk of create(options).read(fileUrl(mirror), undefined, {signal: controller.signal})) {
          received += chunk.length
          if (received >= 60 * 1024) setTimeout(() => controller.abort(reason), 50)
        }
      })()
      await expect(reading).rejects.toBe(reason)
      expect(performance.now() - started).toBeLessThan(3000)
      expect(await socketsSettle(mirror)).toBe(0)
    } finally {
      mirror.setFaults({})
    }
  })

  it('aborts at any moment of a read without leaving a late, unhandled failure behind', async () => {
    mirror.setFaults({bytesPerSecond: 4 * 1024 * 1024})
    try {
      const transport = create(options)
      const delays = [0, 1, 2, 5, 10, 20, 40, 80]
      const outcomes = await Promise.all(
        delays.map(async (delay) => {
          const controller = new AbortController()
          setTimeout(() => controller.abort(new Error(`stop at ${delay} ms`)), delay)
          return collect(transport.read(fileUrl(mirror), {offset: 0, length: 300_000}, {signal: controller.signal})).then(
            () => 'done',
            (error: Error) => error.message,
          )
        }),
      )
      expect(outcomes.filter((outcome) => outcome !== 'done').every((outcome) => outcome.startsWith('stop at'))).toBe(true)
      // ssh2 fails the abandoned requests when each connection closes: wait until the server saw every one close, so late failures surface here.
      await transport.close()
      await until(() => mirror.stats.openSockets === 0, 'the mirror has no open connection')
    } finally {
      mirror.setFaults({})
    }
  })

  it('maps a server that accepts but never greets to a retryable ETIMEDOUT after connectTimeout', async () => {
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const port = (silent.address() as {port: number}).port
      const error = await failure(create({...options, connectTimeout: 300}).stat(new URL(`sftp://mirror:x@127.0.0.1:${port}/f.bin`), {signal: signal()}))
      expect([error.code, error.retryable]).toEqual(['ETIMEDOUT', true])
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('times an SFTP stat as its ping', async () => {
    const milliseconds = await create(options).ping!(fileUrl(mirror), {signal: signal()})
    expect(milliseconds).toBeGreaterThan(0)
    expect(milliseconds).toBeLessThan(2000)
  })
})

describeTransportContract('sftp (local mirror)', async () => {
  const plain = await startSftpMirror({files: {'contract file.bin': content}, password: 'secret'})
  const dropping = await startSftpMirror({files: {'file.bin': content}, password: 'secret', faults: {disconnectAfter: 100_000}})
  const hosts = join(await mkdtemp(join(tmpdir(), 'mirrorkit-sftp-contract-')), 'known_hosts')
  await writeFile(hosts, `${plain.knownHostsLine}\n${dropping.knownHostsLine}\n`)
  return {
    transport: sftpTransport.create({knownHosts: hosts, connectTimeout: 5000}),
    fileUrl: new URL(`sftp://mirror:secret@127.0.0.1:${plain.port}/contract%20file.bin`),
    content,
    missingUrl: new URL(`sftp://mirror:secret@127.0.0.1:${plain.port}/missing.bin`),
    closesMidStreamUrl: new URL(`sftp://mirror:secret@127.0.0.1:${dropping.port}/file.bin`),
    badCredentialsUrl: new URL(`sftp://mirror:wrong@127.0.0.1:${plain.port}/file.bin`),
    async teardown() {
      await Promise.all([plain.close(), dropping.close()])
      await rm(join(hosts, '..'), {recursive: true, force: true})
    },
  }
})
