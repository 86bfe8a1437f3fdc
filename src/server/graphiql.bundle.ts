import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { build, type BuildOptions, type OutputFile, type Plugin } from 'esbuild';

// GraphiQL 5 ships ES modules that import Monaco, its CSS and its workers, so it has to be bundled
// before a browser can load it. We bundle in memory on the first request for the page (about two
// seconds) and keep the result for the life of the process: no build step in `npm install`, no
// artifacts on disk, and the bundle always matches the installed packages and the client source.

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
  buildMs: number;
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

/** The bundle, built once per process; concurrent first callers share one build. */
export function graphiqlBundle(): Promise<GraphiqlBundle> {
  pending ??= buildGraphiqlBundle().catch((error: unknown) => {
    // A failed build is not cached, so the next request tries again.
    pending = undefined;
    throw error;
  });
  return pending;
}

async function buildGraphiqlBundle(): Promise<GraphiqlBundle> {
  const started = performance.now();
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

  const assets = new Map<string, GraphiqlAsset>();
  const hash = createHash('sha256');
  const outputs = [...app.outputFiles, ...workers.outputFiles];
  const gzipped = await Promise.all(outputs.map((file) => gzipAsync(file.contents)));
  outputs.forEach((file, i) => addAsset(assets, hash, file, gzipped[i]!));
  for (const name of ['app.js', 'app.css', ...Object.values(GRAPHIQL_WORKERS)]) {
    if (!assets.has(name)) throw new Error(`GraphiQL bundle has no ${name}`);
  }
  return { id: hash.digest('hex').slice(0, 16), assets, buildMs: Math.round(performance.now() - started) };
}

const gzipAsync = promisify(gzip);

function addAsset(assets: Map<string, GraphiqlAsset>, hash: ReturnType<typeof createHash>, file: OutputFile, gzipped: Uint8Array): void {
  const name = path.relative(outdir, file.path).split(path.sep).join('/');
  hash.update(name).update(file.contents);
  const contentType = CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream';
  assets.set(name, { contentType, body: file.contents, gzipped });
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
