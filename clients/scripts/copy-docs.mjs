// Copies Swagger UI and ReDoc from node_modules into the service's static folder, so /docs and /redoc work
// on a server with no internet (they would otherwise load from a CDN).
import { copyFileSync, mkdirSync } from 'node:fs';
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
console.log(`API docs assets copied to ${target}`);
