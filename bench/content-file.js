// Generates (once) and caches the big deterministic test files in bench/out/, with their SHA-256 alongside.
import {createHash} from 'node:crypto'
import {createReadStream, existsSync} from 'node:fs'
import {mkdir, open, readFile, rename, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {makeContent} from '../dist/mirrors/content.js'
import {outDirectory} from './paths.js'

/** makeContent builds a whole Buffer, so big files are written in seeded chunks to keep memory flat. */
const CHUNK_BYTES = 8 * 1024 * 1024

/** Path, size and sha256 of a `mebibytes` MiB file, generated on first use and reused afterwards. */
export async function contentFile(mebibytes) {
  const size = Math.round(mebibytes * 1024 * 1024)
  await mkdir(outDirectory, {recursive: true})
  const file = path.join(outDirectory, `content-${mebibytes}MiB.bin`)
  const digestFile = `${file}.sha256`
  if (existsSync(file) && existsSync(digestFile)) {
    return {path: file, size, sha256: (await readFile(digestFile, 'utf8')).trim()}
  }
  // Per process: two benchmark runs may generate the same file at once; the rename is atomic.
  const temporary = `${file}.${process.pid}.tmp`
  const hash = createHash('sha256')
  const handle = await open(temporary, 'w')
  try {
    for (let offset = 0, seed = 1; offset < size; offset += CHUNK_BYTES, seed++) {
      const chunk = makeContent(Math.min(CHUNK_BYTES, size - offset), seed)
      hash.update(chunk)
      await handle.write(chunk)
    }
  } finally {
    await handle.close()
  }
  const sha256 = hash.digest('hex')
  await rename(temporary, file)
  await writeFile(digestFile, `${sha256}\n`)
  return {path: file, size, sha256}
}

/** Streams a downloaded file through SHA-256; the benchmark checks every client's output with it. */
export function fileSha256(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file, {highWaterMark: 1024 * 1024})
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}
