// Derives the bytes a faulty mirror serves from the true file: another length, or flipped bytes.

export type ContentFaults = {size?: number; corrupt?: Array<{offset: number; length: number}>}

/** The original when no content fault applies (no copy), else a changed copy. */
export function applyContentFaults(original: Uint8Array, faults: ContentFaults): Uint8Array {
  if (faults.size === undefined && !faults.corrupt?.length) return original
  const body = Buffer.alloc(faults.size ?? original.length)
  body.set(original.subarray(0, body.length))
  for (const {offset, length} of faults.corrupt ?? []) {
    for (let index = offset; index < Math.min(offset + length, body.length); index++) body[index] ^= 0xff
  }
  return body
}
