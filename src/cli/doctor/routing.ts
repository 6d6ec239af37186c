import { compileRegex } from "../../config/regex.ts";
import { modelIsKnown } from "../../config/normalize.ts";
import { DEFAULT_AUTO_MAP } from "../../router/compile.ts";
import type { ConfigView } from "./config-view.ts";
import { type Check, type DoctorInputs, fail, ok, warn } from "./types.ts";

const MODEL_SLOTS = ["default", "background", "think", "websearch", "long_context", "image"] as const;
/** Model names Claude Code sends. */
const CLAUDE_NAMES = ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"];

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(", ") || "none";

/** Every router slot names a [[models]] entry (or a model some enabled provider lists). */
function slotChecks(view: ConfigView): Check[] {
  const models = view.models.map((m) => m.name);
  return MODEL_SLOTS.flatMap((slot) => {
    const name = view.router[slot];
    if (name === undefined) return [];
    if (modelIsKnown(name, view.models, view.providers)) return [];
    return [
      fail(
        `router.${slot}`,
        `router.${slot} = "${name}" names no [[models]] entry`,
        `set router.${slot} to one of ${quoted(models)}, or add a [[models]] named "${name}"`,
      ),
    ];
  });
}

/** Every mapping names a provider that exists and is enabled. */
function mappingChecks(view: ConfigView): Check[] {
  const byName = new Map(view.providers.map((p) => [p.name, p]));
  const names = view.providers.map((p) => p.name);
  return view.models.flatMap((model, i) => {
    const checks: Check[] = [];
    let usable = 0;
    model.mappings.forEach((m, j) => {
      const where = `models[${i}].mappings[${j}]`;
      const provider = byName.get(m.provider);
      if (!provider)
        checks.push(
          fail(
            where,
            `model "${model.name}" maps to provider "${m.provider}", which does not exist`,
            `use one of ${quoted(names)}, or add a [[providers]] named "${m.provider}"`,
          ),
        );
      else if (!provider.enabled)
        checks.push(
          warn(
            where,
            `model "${model.name}" maps to provider "${m.provider}", which is disabled`,
            `set enabled = true on provider "${m.provider}", or remove the mapping`,
          ),
        );
      else usable++;
    });
    if (model.mappings.length && !usable)
      checks.push(
        fail(
          `models[${i}]`,
          `model "${model.name}" has no enabled provider: every request for it fails`,
          "enable one of its providers, or map it to an enabled one",
        ),
      );
    return checks;
  });
}

/** The starter template's `auto_map_regex = "^$"`, left in after router.default was pointed at a model. */
function autoMapCheck(view: ConfigView): Check[] {
  const target = view.router.default;
  const routed = target !== undefined && target !== "*" && view.models.some((m) => m.name === target);
  if (!routed) return [];
  let autoMap: RegExp;
  try {
    autoMap = compileRegex(view.router.auto_map_regex ?? DEFAULT_AUTO_MAP);
  } catch {
    return [];
  }
  if (CLAUDE_NAMES.some((n) => autoMap.test(n) || view.models.some((m) => m.name === n))) return [];
  const regex = JSON.stringify(view.router.auto_map_regex);
  return [
    fail(
      "router.auto_map_regex",
      `router.default = "${target}", but auto_map_regex = ${regex} matches no claude-* name: Claude Code's requests are used as given and never reach "${target}"`,
      `delete the auto_map_regex line from [router] (the default "${DEFAULT_AUTO_MAP}" maps every claude-* name)`,
    ),
  ];
}

export function routingChecks({ view }: DoctorInputs): Check[] {
  if (!view) return [];
  const found = [...slotChecks(view), ...mappingChecks(view), ...autoMapCheck(view)];
  return found.length ? found : [ok("routing", "every router slot names a model; every mapping an enabled provider")];
}
