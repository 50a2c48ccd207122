/** Markdown for reports that go to pull requests and issues. */
/**
 * Escapes what would break a table cell or turn text into markup. Brackets stay as they are (so
 * `[secret]` reads as itself) except where they would close a link: `](`.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_<>|#~]/g, "\\$&")
    .replace(/\]\(/g, "\\](")
    .replace(/\r?\n/g, " ");
}
