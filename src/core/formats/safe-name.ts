// Decides whether a file name from a remote document (metalink, checksum file) is a safe relative path to write to.

/** Undefined when `name` is a safe relative path, else the reason it is not. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'empty name'
  if (name.includes('\0')) return 'contains a NUL byte'
  if (name.includes('\\')) return 'contains a backslash'
  if (/^[a-z]:/i.test(name)) return 'starts with a drive letter'
  if (name.startsWith('/')) return 'is an absolute path'
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters'
  const segments = name.split('/')
  if (segments.some((segment) => segment === '..')) return 'contains a ".." segment'
  if (segments.some((segment) => segment === '' || segment === '.')) return 'contains an empty or "." segment'
  if (name.length > 1024) return 'is longer than 1024 characters'
  return undefined
}
