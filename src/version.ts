declare const CCMUX_VERSION: string | undefined;

/** Baked in by scripts/build.ts; falls back to package.json when running from source. */
export const VERSION: string =
  typeof CCMUX_VERSION === "string" ? CCMUX_VERSION : (await import("../package.json", { with: { type: "json" } })).default.version;
