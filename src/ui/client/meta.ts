import { useEffect, useState } from "hono/jsx/dom";
import { getJson } from "./api.ts";

export interface ProviderKindInfo {
  type: string;
  dialect: string;
  base_url: string | null;
  keyless: boolean;
}

export interface Meta {
  provider_kinds: ProviderKindInfo[];
  oauth_kinds: { kind: string; label: string; paste: boolean }[];
  route_slots: string[];
}

let cached: Promise<Meta> | undefined;

/** What the server knows about provider types, login kinds and route slots (fetched once). */
export function useMeta(): Meta | undefined {
  const [meta, setMeta] = useState<Meta | undefined>(undefined);
  useEffect(() => {
    cached ??= getJson<Meta>("/api/ui/meta");
    cached.then(setMeta, () => (cached = undefined));
  }, []);
  return meta;
}
