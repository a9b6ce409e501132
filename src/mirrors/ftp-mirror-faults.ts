// Fault knobs shared by the local FTP and SFTP mirrors, and the byte-level helpers that apply them.
import {posix} from 'node:path'


/** Ways a local mirror can misbehave; every knob is off by default. */
export type MirrorFaults = {
  /** Aggregate bandwidth cap for the whole server, in bytes per second. Default: unlimited. */
  bytesPerSecond?: number
  /** Milliseconds to wait before the first byte of each transfer. Default: 0. */
  firstByteDelayMs?: number
  /** Stop sending (but keep the connection open) after this many bytes of a transfer. */
  stallAfter?: number
  /** Drop the data connection after this many bytes of a transfer. */
  resetAfter?: number
  /** Absolute file offsets whose byte is flipped before it is sent. */
  corrupt?: number[]
  /** The size the server reports instead of the real one. */
  size?: number
}

/** A copy of `chunk` (which starts at file offset `offset`) with the corrupt offsets flipped; the chunk itself when none fall inside. */
export function corruptBytes(chunk: Buffer, offset: number, corrupt: readonly number[] | undefined): Buffer {
  if (!corrupt || corrupt.length === 0) return chunk
  const inside = corrupt.filter((position) => position >= offset && position < offset + chunk.length)
  if (inside.length === 0) return chunk
  const copy = Buffer.from(chunk)
  for (const position of inside) copy[position - offset] = (copy[position - offset] ?? 0) ^ 0xff
  return copy
}

/** Normalises a served path so "file.bin", "/file.bin" and "./file.bin" name the same file. */
export function servedPath(path: string): string {
  return posix.normalize(`/${path}`)
}
