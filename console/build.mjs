// Copies GraphiQL, its explorer plugin and React (installed from the npm registry by
// `npm ci`) and the hub's own start-up script into dist/, the folder the hub serves at
// /console/. Nothing is fetched from a CDN: the page works on a network without internet.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const files = {
  "react.production.min.js": "node_modules/react/umd/react.production.min.js",
  "react-dom.production.min.js": "node_modules/react-dom/umd/react-dom.production.min.js",
  "graphiql.min.js": "node_modules/graphiql/graphiql.min.js",
  "graphiql.min.css": "node_modules/graphiql/graphiql.min.css",
  "explorer.umd.js": "node_modules/@graphiql/plugin-explorer/dist/index.umd.js",
  "explorer.css": "node_modules/@graphiql/plugin-explorer/dist/style.css",
  "hub-console.js": "hub-console.js",
  "hub-console.css": "hub-console.css",
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
for (const [name, source] of Object.entries(files)) {
  copyFileSync(join(here, source), join(dist, name));
}
console.log(`console/dist: ${Object.keys(files).length} files`);
