// Generates (once) and caches the big deterministic test files in bench/out/, with their SHA-256 in bench/out/digests/.
import {createHash} from 'node:crypto'
import {createReadStream, existsSync} from 'node:fs'
import {mkdir, open, readFile, rename, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {makeContent} from '../dist/mirrors/content.js'
import {outDirectory} from './paths.js'

/** makeContent builds a whole Buffer, so big files are written in seeded chunks to keep memory flat. */
const CHUNK_BYTES = 8 * 1024 * 1024

/**
 * Where a content file's SHA-256 is kept: not beside it, because the daemons serve that directory and
 * mirrorkit's published-reference look-up would find `<file>.sha256` and hash every download, work the
 * other clients are not asked to do. Scenarios that want a checksum pass it to every client.
 */
export function digestPath(file) {
  return path.join(path.dirname(file), 'digests', `${path.basename(file)}.sha256`)
}

/** Path, size and sha256 of a `mebibytes` MiB file, generated on first use and reused afterwards. */
export async function contentFile(mebibytes) {
  const size = Math.round(mebibytes * 1024 * 1024)
  await mkdir(outDirectory, {recursive: true})
  const file = path.join(outDirectory, `content-${mebibytes}MiB.bin`)
  const digestFile = digestPath(file)
  await mkdir(path.dirname(digestFile), {recursive: true})
  // Earlier runs kept the digest beside the file; move it rather than generate the file again.
  if (existsSync(`${file}.sha256`)) await rename(`${file}.sha256`, digestFile)
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
