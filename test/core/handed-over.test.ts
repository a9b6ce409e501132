// Handed-over chunks: freeing empties the socket's own buffers at once, and never touches memory that was not handed over or may be a slice of Node's shared Buffer pool.
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

const run = promisify(execFile)
const module = fileURLToPath(new URL('../../dist/core/handed-over.js', import.meta.url))

/** Runs the built module in a child, with or without the V8 flag that bin/run.cjs passes, and returns what the script printed. */
async function inChild(flags: string[]): Promise<Record<string, number>> {
  const script = `
    const {handOver, freeChunks} = await import(${JSON.stringify(module)})
    const socketBuffer = handOver(Buffer.alloc(64 * 1024, 1))
    const view = socketBuffer.subarray(100, 200)
    const notHandedOver = Buffer.alloc(64 * 1024, 2)
    const pooled = handOver(Buffer.from('a small chunk that lives in the shared pool'))
    const pooledNeighbour = Buffer.from('its neighbour in the same pool')
    freeChunks([view, notHandedOver, pooled])
    freeChunks([socketBuffer])
    process.stdout.write(JSON.stringify({socketBuffer: socketBuffer.length, view: view.length, notHandedOver: notHandedOver.length,
      pooled: pooled.length, pooledNeighbour: pooledNeighbour.length, poolIntact: Number(pooledNeighbour.toString() === 'its neighbour in the same pool')}))`
  const {stdout} = await run(process.execPath, [...flags, '--input-type=module', '-e', script], {timeout: 30_000})
  return JSON.parse(stdout) as Record<string, number>
}

describe('handOver and freeChunks', () => {
  it('free the memory under a handed-over chunk (all its views) and nothing else', async () => {
    expect(await inChild(['--harmony-rab-gsab-transfer'])).toEqual({
      socketBuffer: 0,
      view: 0,
      notHandedOver: 64 * 1024,
      pooled: 43,
      pooledNeighbour: 30,
      poolIntact: 1,
    })
  })

  const standard = typeof (ArrayBuffer.prototype as {transfer?: unknown}).transfer === 'function'
  it.skipIf(standard)('leave every chunk as it is where the runtime cannot free (Node 20 without the flag)', async () => {
    const result = await inChild([])
    expect(result.socketBuffer).toBe(64 * 1024)
    expect(result.view).toBe(100)
  })
})
