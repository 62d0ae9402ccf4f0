// Where the server mounted the app (`--static-prefix`): it names it in index.html's <base>.

/** The mount point, always ending in "/": "/" or e.g. "/mlflow/". */
export function basePath(): string {
  if (typeof document === "undefined") return "/";
  const href = document.querySelector("base")?.getAttribute("href") ?? "/";
  const path = new URL(href, window.location.origin).pathname;
  return path.endsWith("/") ? path : `${path}/`;
}

/** The router's basename: the mount point without its trailing slash. */
export function routerBasename(): string | undefined {
  const base = basePath();
  return base === "/" ? undefined : base.slice(0, -1);
}
