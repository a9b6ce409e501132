// The wrong copies a faulty mirror serves from its own document root: the file short by 1 MiB, or with one byte wrong every 16 MiB.
import {existsSync} from 'node:fs'
import {copyFile, link, mkdir, open, rename, truncate, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {outDirectory} from './paths.js'

const MEBIBYTE = 1024 * 1024
/** A byte this far into each 16 MiB is flipped, so no corrupt byte sits on a piece boundary. */
const SPREAD_OFFSET = 12_345
export const SPREAD_EVERY_BYTES = 16 * MEBIBYTE
export const SHORT_BY_BYTES = MEBIBYTE

/**
 * The document root (a directory holding a file with the content's name) for `copy`: 'good' is the
 * content's own directory; 'short' and 'spread' are made once under bench/out/copies/ and reused.
 */
export async function copyRoot(content, copy) {
  if (copy === 'good') return path.dirname(content.path)
  const root = path.join(outDirectory, 'copies', copy)
  const file = path.join(root, path.basename(content.path))
  if (existsSync(file)) return root
  await mkdir(root, {recursive: true})
  const temporary = `${file}.${process.pid}.tmp`
  await copyFile(content.path, temporary)
  if (copy === 'short') await truncate(temporary, content.size - SHORT_BY_BYTES)
  else if (copy === 'spread') await flipSpreadBytes(temporary, content.size)
  else throw new Error(`unknown copy ${copy}`)
  await rename(temporary, file)
  return root
}

async function flipSpreadBytes(file, size) {
  const handle = await open(file, 'r+')
  try {
    const byte = Buffer.alloc(1)
    for (let offset = SPREAD_OFFSET; offset < size; offset += SPREAD_EVERY_BYTES) {
      await handle.read(byte, 0, 1, offset)
      byte[0] ^= 0xff
      await handle.write(byte, 0, 1, offset)
    }
  } finally {
    await handle.close()
  }
}

/**
 * `root` with a SHA256SUMS beside the file, as distributions publish it: a separate directory under
 * bench/out/copies/ (the file hard-linked in), so the scenarios without a published checksum never see one.
 */
export async function publishedRoot(content, copy, root) {
  const published = path.join(outDirectory, 'copies', `published-${copy}`)
  const name = path.basename(content.path)
  const file = path.join(published, name)
  if (!existsSync(file)) {
    await mkdir(published, {recursive: true})
    const temporary = `${file}.${process.pid}.tmp`
    await link(path.join(root, name), temporary).catch(() => copyFile(path.join(root, name), temporary))
    await rename(temporary, file)
  }
  await writeFile(path.join(published, 'SHA256SUMS'), `${content.sha256}  ${name}\n`)
  return published
}
