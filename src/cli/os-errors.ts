/** Operating-system errors said as what to do, not as a syscall name. Undefined for anything else. */
export function translateOsError(err: unknown): string | undefined {
  const e = err as { code?: unknown; path?: unknown; syscall?: unknown; message?: unknown };
  if (!e || typeof e.code !== "string") return undefined;
  const path = typeof e.path === "string" ? e.path : "a file";
  switch (e.code) {
    case "EACCES":
    case "EPERM":
      return `permission denied for ${path} (${e.syscall ?? "access"}): check who owns it and its mode, or point CCMUX_HOME / XDG_*_HOME at a directory you can write`;
    case "EROFS":
      return `${path} is on a read-only file system: set CCMUX_HOME to a writable directory`;
    case "ENOSPC":
      return `no space left on the device holding ${path}: free some space and run it again`;
    case "ENOENT":
      return `${path} does not exist`;
    case "ENOTDIR":
      return `a part of ${path} is a file, not a directory`;
    case "EADDRINUSE":
      return "the port is already in use: stop what listens there (`ccmux status`, `ccmux stop`) or choose another with --port";
    case "EADDRNOTAVAIL":
      return "the address to listen on does not belong to this machine: check server.host";
    default:
      return undefined;
  }
}
