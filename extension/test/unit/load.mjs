// Loads the extension's classic scripts into this process the way the browser does (they attach
// to globalThis.DLP), so their logic is tested without a browser.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

export async function load(...files) {
  for (const f of files) await import(pathToFileURL(path.join(src, f)).href);
  return globalThis.DLP;
}
