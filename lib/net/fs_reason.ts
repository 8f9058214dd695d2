/** One-line reasons for file errors, for the source's messages. */

/**
 * The OS's reason in a file error, without the code, syscall and path that node:fs
 * ("ENOENT: no such file or directory, open '/x'") and Deno ("No such file or directory
 * (os error 2): open '/x'") put around it: the caller names the path once, its own way.
 */
export function fsReason(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e))
    .replace(/^E[A-Z]+: /, "")
    .replace(/[,:] [a-z]+ '[^']*'$/, "")
    .replace(/ \(os error \d+\)$/, "");
  return text.charAt(0).toLowerCase() + text.slice(1);
}
