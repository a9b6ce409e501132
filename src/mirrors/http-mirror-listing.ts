// Renders an nginx-autoindex-like HTML listing of a local mirror's directory, for discovery tests and the demo.

export type ListedFile = {path: string; size: number; modifiedAt: Date}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** The HTML for directory `prefix` (ending in '/'), or undefined when no file lives under it. */
export function renderListing(prefix: string, files: readonly ListedFile[]): string | undefined {
  const entries = new Map<string, ListedFile | undefined>()
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue
    const rest = file.path.slice(prefix.length)
    const slash = rest.indexOf('/')
    // Subdirectories show once, as nginx does, with a trailing slash and no size.
    if (slash >= 0) entries.set(rest.slice(0, slash + 1), undefined)
    else if (rest !== '') entries.set(rest, file)
  }
  if (entries.size === 0 && prefix !== '/') return undefined
  const rows = [...entries.keys()].sort().map((name) => {
    const file = entries.get(name)
    const link = `<a href="${escapeHtml(encodeURI(name))}">${escapeHtml(name)}</a>`
    const padding = ' '.repeat(Math.max(1, 51 - name.length))
    const size = file ? String(file.size) : '-'
    return `${link}${padding}${formatDate(file?.modifiedAt ?? new Date(0))} ${size.padStart(19)}`
  })
  const title = `Index of ${escapeHtml(prefix)}`
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<h1>${title}</h1><hr><pre><a href="../">../</a>\r\n` +
    rows.map((row) => `${row}\r\n`).join('') +
    '</pre><hr></body>\r\n</html>\r\n'
  )
}

function formatDate(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0')
  return `${two(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
