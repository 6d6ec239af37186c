export const SERVICE_KINDS = ["systemd", "launchd"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** What goes into a unit: the command, and where its environment and logs live. */
export interface UnitInputs {
  configPath: string;
  argv: string[];
  envFile: string;
  logFile: string;
}

export interface ManagerCall {
  argv: string[];
  /** E.g. unloading what was never loaded. */
  mayFail?: boolean;
}

export const call = (argv: string[], mayFail = false): ManagerCall => ({ argv, mayFail });

export interface ServiceSpec {
  kind: ServiceKind;
  inputs: UnitInputs;
  unitPath: string;
  unitText: string;
  load: ManagerCall[];
  unload: ManagerCall[];
  afterRemove: ManagerCall[];
  start: ManagerCall[];
  stop: ManagerCall[];
  restart: ManagerCall[];
  status: string[];
  /** Asks the manager how the service last ended; read by parseLastExit. */
  lastExit: string[];
  hint?: string;
}
