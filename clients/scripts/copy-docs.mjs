// Copies Swagger UI and ReDoc from node_modules into the service's static folder, so /docs and /redoc work
// on a server with no internet (they would otherwise load from a CDN).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, '..', '..', 'src', 'interview_integrity', 'static', 'docs');
mkdirSync(target, { recursive: true });
const files = [
  ['swagger-ui-dist/swagger-ui-bundle.js', 'swagger-ui-bundle.js'],
  ['swagger-ui-dist/swagger-ui.css', 'swagger-ui.css'],
  ['swagger-ui-dist/favicon-32x32.png', 'favicon-32x32.png'],
  ['redoc/bundles/redoc.standalone.js', 'redoc.standalone.js'],
];
for (const [source, name] of files) copyFileSync(join(here, '..', 'node_modules', source), join(target, name));
// ReDoc's footer shows Redocly's logo from their CDN: on a server with no internet that is a failed request
// per page view (and a call home on one with it), so it points at the favicon served beside it instead.
const redoc = join(target, 'redoc.standalone.js');
const bundle = readFileSync(redoc, 'utf8');
const local = bundle.replaceAll('https://cdn.redoc.ly/redoc/logo-mini.svg', '/static/docs/favicon-32x32.png');
if (local === bundle) throw new Error('ReDoc no longer loads its logo from cdn.redoc.ly: check copy-docs.mjs');
writeFileSync(redoc, local);
console.log(`API docs assets copied to ${target}`);
