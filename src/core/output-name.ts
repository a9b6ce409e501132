// The one rule for turning a name from elsewhere (a header, a URL, a metalink, a MirrorSet) into a file name mirrorkit may create.

/** The longest name most file systems accept, in bytes (ext4, XFS, NTFS in UTF-16 units, APFS). */
const MAX_NAME_BYTES = 255

/** C0 controls, DEL and C1 controls: invisible in a terminal, and some of them move its cursor. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g

/** Device names Windows reserves in any directory, with or without an extension ("nul.txt" is NUL too). */
const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i

/** The name when nothing safe remains of the one given. */
const FALLBACK_NAME = 'download'

/**
 * One path segment safe to create in the output directory, or undefined when nothing safe remains:
 * only what follows the last '/' or '\', no control characters, no '..', no leading or trailing dots
 * or spaces (no hidden files, no '.' or '..'), not a reserved device name, at most 255 bytes.
 */
export function sanitiseFileName(name: string): string | undefined {
  let safe = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
  safe = safe.replace(CONTROL_CHARACTERS, '')
  while (safe.includes('..')) safe = safe.replace(/\.\.+/g, '.')
  safe = safe.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '')
  if (RESERVED_NAMES.test(safe)) safe = `_${safe}`
  while (Buffer.byteLength(safe) > MAX_NAME_BYTES) safe = [...safe].slice(0, -1).join('')
  // Cutting may leave a trailing dot or space again.
  safe = safe.replace(/[.\s]+$/, '')
  return safe === '' ? undefined : safe
}

/** The output file name for `name`: sanitised, or "download" when nothing safe remains. */
export function outputName(name: string | undefined): string {
  return sanitiseFileName(name ?? '') ?? FALLBACK_NAME
}
