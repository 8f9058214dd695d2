/** Every design `--design` takes, by name. */
import type { Design } from "../design.ts";
import { CLUBS } from "./clubs.ts";
import { FLOOD } from "./flood.ts";
import { PULL } from "./pull.ts";
import { TREE } from "./tree.ts";

/** The designs, the club protocol first. */
export const DESIGNS: readonly Design[] = [CLUBS, FLOOD, PULL, TREE];

/** The design called `name`; throws Error naming the choices otherwise. */
export function designNamed(name: string): Design {
  const d = DESIGNS.find((x) => x.name === name);
  if (!d) throw new Error(`no design "${name}" (${DESIGNS.map((x) => x.name).join(", ")})`);
  return d;
}
