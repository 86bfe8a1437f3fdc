import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { BuildOptions, Plugin } from 'esbuild';

// GraphiQL 5 ships ES modules that import Monaco, its CSS and its workers, so it has to be bundled
// before a browser can load it. `npm run build` bundles it once into dist (graphiql/assets, beside
// the compiled gateway), which then only reads files and never needs esbuild. Run from sources (tsx,
// tests) the gateway bundles in memory on the first request for the page (about two seconds),
// loading esbuild only then, so the bundle always matches the installed packages and the client source.

export interface GraphiqlAsset {
  contentType: string;
  body: Uint8Array;
  /** The same bytes gzipped once at build time: app.js shrinks from about 5 MB to 1.4 MB. */
  gzipped: Uint8Array;
}

export interface GraphiqlBundle {
  /** A hash of every output; asset URLs carry it, so browsers may cache them forever. */
  id: string;
  /** Outputs by file name: app.js, app.css, the three Monaco workers and any assets they import. */
  assets: ReadonlyMap<string, GraphiqlAsset>;
  /** How long it took to have the bundle: read from disk when prebuilt, otherwise built in memory. */
  buildMs: number;
  prebuilt: boolean;
}

/** What `npm run build` writes beside the assets, last, so its presence means a complete bundle. */
interface GraphiqlManifest {
  id: string;
  files: string[];
}

/** The worker bundles the page hands to Monaco's `getWorker`, by Monaco's language label. */
export const GRAPHIQL_WORKERS = {
  editor: 'editor.worker.js',
  json: 'json.worker.js',
  graphql: 'graphql.worker.js',
} as const;

const here = path.dirname(fileURLToPath(import.meta.url));
const clientEntry = path.resolve(here, 'graphiql/graphiql.client.js');
// Never written: esbuild needs an output folder to name files even with write: false.
const outdir = path.resolve(here, 'graphiql/.out');
/** Where `npm run build` puts the bundle; it exists only under dist. */
export const PREBUILT_GRAPHIQL_DIR = path.resolve(here, 'graphiql/assets');
const MANIFEST = 'manifest.json';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

let pending: Promise<GraphiqlBundle> | undefined;

/** The bundle, loaded or built once per process; concurrent first callers share one. */
export function graphiqlBundle(): Promise<GraphiqlBundle> {
  pending ??= (existsSync(path.join(PREBUILT_GRAPHIQL_DIR, MANIFEST)) ? readGraphiqlBundle() : buildGraphiqlBundle()).catch((error: unknown) => {
    // A failure is not cached, so the next request tries again.
    pending = undefined;
    throw error;
  });
  return pending;
}

/** Bundles the client and the Monaco workers in memory with esbuild (a dev dependency, loaded here only). */
export async function buildGraphiqlBundle(): Promise<GraphiqlBundle> {
  const started = performance.now();
  const { build } = await import('esbuild');
  // Monaco comes with @graphiql/react; resolving through it keeps the workers on the same copy
  // as the editor whether or not npm hoisted it.
  const fromGraphiqlReact = createRequire(createRequire(import.meta.url).resolve('@graphiql/react/package.json'));
  const shared = {
    bundle: true,
    write: false as const,
    outdir,
    minify: true,
    target: 'es2022',
    legalComments: 'eof',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  } satisfies BuildOptions;
  const [app, workers] = await Promise.all([
    build({
      ...shared,
      entryPoints: { app: clientEntry },
      format: 'esm',
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
      plugins: [dropMonacoCss],
    }),
    build({
      ...shared,
      entryPoints: {
        'editor.worker': fromGraphiqlReact.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
        'json.worker': fromGraphiqlReact.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
        'graphql.worker': fromGraphiqlReact.resolve('monaco-graphql/esm/graphql.worker.js'),
      },
      // Classic workers: `new Worker(url)` works in every browser, module workers do not yet.
      format: 'iife',
    }),
  ]);

  const outputs = [...app.outputFiles, ...workers.outputFiles];
  const gzipped = await Promise.all(outputs.map((file) => gzipAsync(file.contents)));
  const files = outputs.map((file, i) => ({ name: path.relative(outdir, file.path).split(path.sep).join('/'), body: file.contents, gzipped: gzipped[i]! }));
  return bundleOf(files, started, false);
}

/** Writes a bundle where the compiled gateway reads it: every asset, its gzipped copy, then the manifest. */
export async function writeGraphiqlBundle(bundle: GraphiqlBundle, dir = PREBUILT_GRAPHIQL_DIR): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(
    [...bundle.assets].flatMap(([name, asset]) => [writeFile(path.join(dir, name), asset.body), writeFile(path.join(dir, `${name}.gz`), asset.gzipped)]),
  );
  const manifest: GraphiqlManifest = { id: bundle.id, files: [...bundle.assets.keys()] };
  await writeFile(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function readGraphiqlBundle(): Promise<GraphiqlBundle> {
  const started = performance.now();
  const manifest = JSON.parse(await readFile(path.join(PREBUILT_GRAPHIQL_DIR, MANIFEST), 'utf8')) as GraphiqlManifest;
  const files = await Promise.all(
    manifest.files.map(async (name) => ({
      name,
      body: new Uint8Array(await readFile(path.join(PREBUILT_GRAPHIQL_DIR, name))),
      gzipped: new Uint8Array(await readFile(path.join(PREBUILT_GRAPHIQL_DIR, `${name}.gz`))),
    })),
  );
  const bundle = bundleOf(files, started, true);
  // The id is recomputed from the bytes read, so a damaged or mixed-up folder never serves under a stale URL.
  if (bundle.id !== manifest.id) throw new Error(`GraphiQL bundle in ${PREBUILT_GRAPHIQL_DIR} does not match its manifest`);
  return bundle;
}

const gzipAsync = promisify(gzip);

function bundleOf(files: Array<{ name: string; body: Uint8Array; gzipped: Uint8Array }>, started: number, prebuilt: boolean): GraphiqlBundle {
  const assets = new Map<string, GraphiqlAsset>();
  const hash = createHash('sha256');
  for (const { name, body, gzipped } of files) {
    hash.update(name).update(body);
    assets.set(name, { contentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream', body, gzipped });
  }
  for (const name of ['app.js', 'app.css', ...Object.values(GRAPHIQL_WORKERS)]) {
    if (!assets.has(name)) throw new Error(`GraphiQL bundle has no ${name}`);
  }
  return { id: hash.digest('hex').slice(0, 16), assets, buildMs: Math.round(performance.now() - started), prebuilt };
}

// graphiql/style.css already carries Monaco's styles (codicon font inlined), and Monaco's own CSS
// imports would land after it and undo GraphiQL's overrides, so they are dropped.
const dropMonacoCss: Plugin = {
  name: 'drop-monaco-css',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\.css$/ }, (args) =>
      /[\\/]monaco-editor[\\/]/.test(args.importer) ? { path: args.path, namespace: 'dropped-css' } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'dropped-css' }, () => ({ contents: '', loader: 'css' }));
  },
};
