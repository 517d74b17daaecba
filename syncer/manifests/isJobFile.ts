/** Job files are `.yaml`, `.yml` and `.json` files under the path; dotfiles and anything else are ignored. */
export function isJobFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return !base.startsWith('.') && /\.(ya?ml|json)$/i.test(base);
}
